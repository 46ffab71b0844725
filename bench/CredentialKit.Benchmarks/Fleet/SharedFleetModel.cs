namespace CredentialKit.Benchmarks.Fleet;

/// <summary>
/// Suite <c>fleet-model</c>: the AssumeRole rate of a fleet of P processes that each use R tenant roles, with and without
/// a shared session store, by Monte Carlo over the refresh schedule CredentialKit plans (1-hour sessions, default refresh
/// settings: a 15-minute window, 1-minute minimum lifetime, jitter 0.5). Too large to run as real providers
/// (50 million sessions), so it samples the same rule <c>RefreshSchedule.Plan</c> applies.
/// </summary>
/// <remarks>
/// Processes start within a 60-second window, and each uses every tenant role first within 60 seconds of its start.
/// Without a store each (process, role) pair calls STS at first use and at each of its own jittered refresh moments.
/// With a store a role costs one call at the first use anywhere in the fleet, then one per cycle at the earliest refresh
/// moment among all the processes (the others adopt): the minimum of P jittered moments. Since #21 a shared hop's
/// jitter is drawn from its fleet key (<see cref="FleetRefreshJitter"/>), and a fleet budget paces every STS call.
/// </remarks>
internal static class SharedFleetModel
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan MinimumLifetime = TimeSpan.FromMinutes(1);
    private const double Jitter = 0.5;
    private static readonly TimeSpan Simulated = TimeSpan.FromHours(3);
    private const double StartWindowSeconds = 60;
    private const double FirstUseWindowSeconds = 60;
    private const int FleetBudgetPerSecond = 500; // SessionCacheOptions.FleetStsRequestsPerSecond's default
    private const int FleetBudgetBurst = 50; // SessionCacheOptions.FleetStsRequestBurst's default

    public static int Run(int processes, int roles, int seed)
    {
        var random = new Random(seed);
        var seconds = (int)Simulated.TotalSeconds;
        var without = new long[seconds];
        var with = new long[seconds];
        var perRoleJitter = new long[seconds];
        var cycleStart = (Lifetime - Window).TotalSeconds;
        var spread = (Window - MinimumLifetime).TotalSeconds * Jitter;
        var starts = new double[processes];
        var firstUse = new double[roles];
        double FleetDraw(double offset) => FleetRefreshJitter.Draw(offset, 1 - Math.Pow(random.NextDouble(), 1.0 / processes));
        for (var p = 0; p < processes; p++)
        {
            starts[p] = random.NextDouble() * StartWindowSeconds;
        }

        for (var r = 0; r < roles; r++)
        {
            var firstAnywhere = double.MaxValue;
            for (var p = 0; p < processes; p++)
            {
                var t = starts[p] + (random.NextDouble() * FirstUseWindowSeconds);
                firstAnywhere = Math.Min(firstAnywhere, t);
                while (t < seconds)
                {
                    without[(int)t]++;
                    t += cycleStart + (random.NextDouble() * spread);
                }
            }

            firstUse[r] = firstAnywhere;

            // The earliest of P uniform jitters: spread * (1 - U^(1/P)).
            for (var t = firstAnywhere; t < seconds; t += cycleStart + (spread * (1 - Math.Pow(random.NextDouble(), 1.0 / processes))))
            {
                with[(int)t]++;
            }

            // A proposal, not what the library does: every process derives the jitter of a shared hop from its key, so the
            // fleet's refresh moment of a role is one jittered moment, and different roles spread over the window.
            var roleJitter = random.NextDouble();
            for (var t = firstAnywhere; t < seconds; t += cycleStart + (spread * roleJitter))
            {
                perRoleJitter[(int)t]++;
            }
        }

        // What the library does now: a shared hop's draw is FleetRefreshJitter's (the role's fleet offset, moved by at most
        // the per-process spread), so the fleet's moment is the draw of the earliest process; Draw is increasing in the
        // process's random value, so that is the draw at the least of P uniforms, 1 - U^(1/P).
        var fleetJitter = new long[seconds];
        var fleetBudget = new long[seconds];
        var fleetDue = new PriorityQueue<int, double>();
        var offsets = new double[roles];
        for (var r = 0; r < roles; r++)
        {
            offsets[r] = FleetRefreshJitter.FleetOffset($"ckf1:tenant-role-{r}");
            var firstAnywhere = firstUse[r];
            for (var t = firstAnywhere; t < seconds; t += cycleStart + (spread * FleetDraw(offsets[r])))
            {
                fleetJitter[(int)t]++;
            }

            fleetDue.Enqueue(r, firstAnywhere);
        }

        // The same, with every STS call through the fleet's budget (GCRA at the default rate and burst, one bucket).
        var interval = 1.0 / FleetBudgetPerSecond;
        var tolerance = (FleetBudgetBurst - 1) * interval;
        var theoreticalArrival = 0.0;
        while (fleetDue.TryDequeue(out var role, out var due) && due < seconds)
        {
            var granted = Math.Max(due, theoreticalArrival - tolerance);
            theoreticalArrival = Math.Max(theoreticalArrival, granted) + interval;
            if (granted < seconds)
            {
                fleetBudget[(int)granted]++;
                fleetDue.Enqueue(role, granted + cycleStart + (spread * FleetDraw(offsets[role])));
            }
        }

        var hour = 3600;
        Console.WriteLine($"## fleet-model: {processes:N0} processes x {roles:N0} tenant roles, 1-hour sessions, default refresh settings, {Simulated.TotalHours:0} simulated hours");
        Console.WriteLine();
        Console.WriteLine("| | AssumeRole calls | peak per second (start-up) | peak per second (after the first hour) | seconds over the 600/s quota |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, series) in new[]
        {
            ("no store", without), ("shared store, per-process jitter (before #21)", with), ("shared store, per-role jitter (proposal)", perRoleJitter),
            ("shared store, fleet jitter (#21)", fleetJitter), ($"shared store, fleet jitter + fleet budget {FleetBudgetPerSecond}/s burst {FleetBudgetBurst} (#21, defaults)", fleetBudget),
        })
        {
            Console.WriteLine($"| {name} | {series.Sum():N0} | {series.Take(hour).Max():N0} | {series.Skip(hour).Max():N0} | {series.Count(c => c > FleetSimulation.AccountQuotaPerSecond):N0} |");
        }

        return 0;
    }
}

namespace CredentialKit;

/// <summary>
/// The health of one STS endpoint, shared by every provider of a <see cref="SessionCache"/> that calls it (through
/// <see cref="StsEndpointHealthRegistry"/>), so that the first refresh to find it failing spares every other one the
/// detection: the hops of a cold chain, and every tenant of a hub.
/// </summary>
/// <remarks>
/// Healthy until a call's retries end in a transient failure (or <c>RegionDisabledException</c>); then avoided for a
/// cool-down (<see cref="StsEndpointDefaults.CoolDown"/>), after which one call at a time probes it with one short
/// attempt. A failed probe doubles the cool-down up to <see cref="StsEndpointDefaults.MaxCoolDown"/>; any answer from the
/// endpoint (a session, or an STS error that is not transient) makes it healthy again. The healthy path reads one
/// volatile field; only transitions take the lock.
/// </remarks>
internal sealed class StsEndpointHealth(StsEndpointAddress address, TimeProvider time, StsEndpointTelemetry telemetry)
{
    private readonly object _gate = new();
    private volatile bool _down;
    private DateTimeOffset _downSince;
    private Deadline _probeAt;
    private TimeSpan _coolDown;
    private string _lastErrorCode = string.Empty;
    private bool _probing;

    public StsEndpointAddress Address { get; } = address;

    /// <summary>Gets whether the endpoint is currently marked down (cooling down or due for a probe).</summary>
    public bool IsDown => _down;

    /// <summary>
    /// Decides how the next attempt on this endpoint goes: <see cref="StsEndpointAdmission.Use"/> while healthy,
    /// <see cref="StsEndpointAdmission.Probe"/> for the one call that probes it once its cool-down ended (report its
    /// outcome, or <see cref="ReleaseProbe"/>), <see cref="StsEndpointAdmission.Avoid"/> otherwise.
    /// </summary>
    public StsEndpointAdmission Admit()
    {
        if (!_down)
        {
            return StsEndpointAdmission.Use;
        }

        var now = ClockReading.Now(time);
        lock (_gate)
        {
            if (!_down)
            {
                return StsEndpointAdmission.Use;
            }

            if (_probing || !_probeAt.IsReachedAt(now))
            {
                return StsEndpointAdmission.Avoid;
            }

            _probing = true;
            return StsEndpointAdmission.Probe;
        }
    }

    /// <summary>Whether the endpoint is in its cool-down (down, and not yet due for a probe).</summary>
    public bool IsCoolingDown()
    {
        if (!_down)
        {
            return false;
        }

        var now = ClockReading.Now(time);
        lock (_gate)
        {
            return _down && (_probing || !_probeAt.IsReachedAt(now));
        }
    }

    /// <summary>Records a call that ended in a failure the caller falls back on; marks the endpoint down or extends its cool-down.</summary>
    /// <param name="errorCode">The failure's error code.</param>
    /// <param name="wasProbe">Whether the call was the probe <see cref="Admit"/> handed out.</param>
    /// <param name="operation">The STS operation, for the log line.</param>
    /// <param name="subject">What the call was for, for the log line.</param>
    public void ReportFailure(string errorCode, bool wasProbe, string operation, string subject)
    {
        var now = ClockReading.Now(time);
        StsEndpointStatus changed;
        bool wentDown;
        TimeSpan coolDown;
        lock (_gate)
        {
            _lastErrorCode = errorCode;
            if (wasProbe)
            {
                _probing = false;
            }

            if (!_down)
            {
                wentDown = true;
                _downSince = now.Wall;
                _coolDown = StsEndpointDefaults.CoolDown;
            }
            else if (wasProbe)
            {
                wentDown = false;
                _coolDown = _coolDown + _coolDown < StsEndpointDefaults.MaxCoolDown ? _coolDown + _coolDown : StsEndpointDefaults.MaxCoolDown;
            }
            else
            {
                // Another call that was already under way (or a last-resort attempt) failed during the cool-down: it says
                // nothing the cool-down does not already account for.
                return;
            }

            _probeAt = Deadline.After(now, _coolDown);
            _down = true;
            coolDown = _coolDown;
            changed = StatusCore();
        }

        telemetry.MarkedDown(changed, wentDown, coolDown, operation, subject);
    }

    /// <summary>Records that the endpoint answered (a session, or an STS error that is not transient): it is healthy.</summary>
    /// <param name="wasProbe">Whether the call was the probe <see cref="Admit"/> handed out.</param>
    public void ReportAnswered(bool wasProbe)
    {
        if (!_down && !wasProbe)
        {
            return;
        }

        StsEndpointStatus recovered;
        lock (_gate)
        {
            if (wasProbe)
            {
                _probing = false;
            }

            if (!_down)
            {
                return;
            }

            recovered = StatusCore();
            _down = false;
            _coolDown = TimeSpan.Zero;
        }

        telemetry.Recovered(recovered, ClockReading.Now(time).Wall);
    }

    /// <summary>Gives back a probe that ended without a verdict (cancelled, or a failure that says nothing about the endpoint).</summary>
    public void ReleaseProbe()
    {
        lock (_gate)
        {
            _probing = false;
        }
    }

    /// <summary>Returns the endpoint's status while it is down; <see langword="null"/> while healthy.</summary>
    public StsEndpointStatus? Status()
    {
        if (!_down)
        {
            return null;
        }

        lock (_gate)
        {
            return _down ? StatusCore() : null;
        }
    }

    private StsEndpointStatus StatusCore() =>
        new(Address.Name, Address.Region, _downSince, _probeAt.Wall, _lastErrorCode);
}

/// <summary>How a call may use an endpoint (<see cref="StsEndpointHealth.Admit"/>).</summary>
internal enum StsEndpointAdmission
{
    /// <summary>Healthy: the full pipeline (retries, attempt timeouts).</summary>
    Use,

    /// <summary>Its cool-down ended and this call probes it: one short attempt.</summary>
    Probe,

    /// <summary>Cooling down, or another call is probing it: try it only when every other endpoint failed.</summary>
    Avoid,
}

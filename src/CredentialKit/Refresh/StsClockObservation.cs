namespace CredentialKit;

/// <summary>
/// What one refresh learnt about STS's clock: the <c>Date</c> header of the last STS response it received, and when
/// (on the local clock) that request was sent and its response arrived.
/// </summary>
/// <param name="SentAt">The local clocks just before the request was sent.</param>
/// <param name="ReceivedAt">The local clocks when the response headers arrived.</param>
/// <param name="ServerDate">The response's <c>Date</c> header (STS's clock, whole seconds).</param>
/// <param name="Resolution">
/// How coarse <paramref name="ServerDate"/> is: STS's clock read somewhere in [ServerDate, ServerDate + Resolution). One
/// second for a <c>Date</c> header; zero for a reading derived from a store's remaining lifetime.
/// </param>
internal sealed record StsClockReading(ClockReading SentAt, ClockReading ReceivedAt, DateTimeOffset ServerDate, TimeSpan Resolution)
{
    /// <summary>Creates a reading of a <c>Date</c> header (one-second resolution).</summary>
    public StsClockReading(ClockReading sentAt, ClockReading receivedAt, DateTimeOffset serverDate)
        : this(sentAt, receivedAt, serverDate, RefreshDefaults.DateHeaderResolution)
    {
    }

    /// <summary>
    /// STS's clock minus the local wall clock, from the midpoints of the round trip and of the <c>Date</c>'s second;
    /// positive means the local clock is behind.
    /// </summary>
    public TimeSpan Skew =>
        ServerDate + (Resolution / 2) - (SentAt.Wall + ((ReceivedAt.Wall - SentAt.Wall) / 2));
}

/// <summary>
/// Carries an <see cref="StsClockReading"/> from the HTTP layer (<see cref="AwsResponseHandler"/>) up to the refresh
/// that issued the request, through the async flow: a refresh opens an observation, every STS response received in
/// that flow records into it, and the last one (the response that carried the session) wins.
/// </summary>
/// <remarks>
/// An <see cref="AsyncLocal{T}"/> holding a mutable box, because a value set deep inside the SDK's call never flows
/// back to the caller, while writes into an object the caller put there do. Each refresh opens its own box in its own
/// async flow: a background refresh starts with no execution context, and one run inline by a waiting caller (or inside a
/// child hop's refresh) sets its box in <c>RefreshingSession.RefreshAsync</c>, whose change the async method restores for
/// its caller on return, so a parent hop's refresh never records into its child's box.
/// </remarks>
internal sealed class StsClockObservation
{
    private static readonly AsyncLocal<StsClockObservation?> Current = new();

    private readonly TimeProvider _time;
    private StsClockReading? _last;

    private StsClockObservation(TimeProvider time) => _time = time;

    /// <summary>Gets the reading of the last response received in this observation's flow, if any carried a <c>Date</c>.</summary>
    public StsClockReading? Last => Volatile.Read(ref _last);

    /// <summary>Starts observing the STS responses of the current async flow.</summary>
    public static StsClockObservation Begin(TimeProvider time)
    {
        var observation = new StsClockObservation(time);
        Current.Value = observation;
        return observation;
    }

    /// <summary>Gets the reading the refresh observing this flow has so far, if any.</summary>
    public static StsClockReading? CurrentLast => Current.Value?.Last;

    /// <summary>
    /// Records a reading learnt other than from an STS response (an adopted shared session's remaining lifetime) for the
    /// refresh that observes this flow (if any).
    /// </summary>
    public static void Record(StsClockReading reading)
    {
        if (Current.Value is { } observation)
        {
            Volatile.Write(ref observation._last, reading);
        }
    }

    /// <summary>The local clocks to stamp on a request about to be sent, when a refresh observes this flow.</summary>
    public static ClockReading? RequestSending() => Current.Value is { } observation ? ClockReading.Now(observation._time) : null;

    /// <summary>Records a response's <c>Date</c> header for the refresh that observes this flow (if any).</summary>
    /// <param name="sentAt">What <see cref="RequestSending"/> returned for this request.</param>
    /// <param name="serverDate">The response's <c>Date</c> header.</param>
    public static void ResponseReceived(ClockReading? sentAt, DateTimeOffset? serverDate)
    {
        if (Current.Value is { } observation && sentAt is { } sent && serverDate is { } date)
        {
            Volatile.Write(ref observation._last, new StsClockReading(sent, ClockReading.Now(observation._time), date));
        }
    }
}

using System.Diagnostics.Metrics;

namespace CredentialKit.Tests.Caching;

/// <summary>
/// Counts the series the process-wide <c>credentialkit.session.remaining_lifetime</c> gauge reports for one profile name
/// (tests give each provider a unique name, since other tests share the meter).
/// </summary>
internal sealed class GaugeSeries : IDisposable
{
    private const string Gauge = "credentialkit.session.remaining_lifetime";

    private readonly MeterListener _listener;
    private readonly string _profile;
    private int _count;

    public GaugeSeries(string profile)
    {
        _profile = profile;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "CredentialKit" && instrument.Name == Gauge)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "credentialkit.profile" && Equals(tag.Value, _profile))
                {
                    _count++;
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Observes the gauge once and returns how many series it reported for the profile.</summary>
    public int Count()
    {
        lock (_listener)
        {
            _count = 0;
            _listener.RecordObservableInstruments();
            return _count;
        }
    }

    public void Dispose() => _listener.Dispose();
}

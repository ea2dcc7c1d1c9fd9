using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SseCodec.Benchmarks;

/// <summary>
/// Bytes allocated per operation with three decimals. BenchmarkDotNet's Allocated column rounds to whole bytes (and
/// shows "-" under one), while a stream reader's per-stream objects spread over 10,000 events are fractions of a byte
/// per event, and the target is at most 0.05 B/event.
/// </summary>
public sealed class AllocatedPerOperationColumn : IColumn
{
    public string Id => nameof(AllocatedPerOperationColumn);
    public string ColumnName => "B/op";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Metric;
    public int PriorityInCategory => 10;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Bytes allocated per operation (per event where results are per event), unrounded";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        BenchmarkReport? report = summary[benchmarkCase];
        if (report is null || !report.Success || report.GcStats.TotalOperations == 0)
        {
            return "NA";
        }

        long? allocated = report.GcStats.GetTotalAllocatedBytes(excludeAllocationQuantumSideEffects: false);
        return allocated is { } bytes ? (bytes / (double)report.GcStats.TotalOperations).ToString("0.000", CultureInfo.InvariantCulture) : "NA";
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
}

package dev.drover.bench.suite;

import dev.drover.bench.suite.Row.Keys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots of a report, drawn headless with XChart: throughput and efficiency against workers. */
final class Plots {
    static final String THROUGHPUT = "throughput.png";
    static final String EFFICIENCY = "efficiency.png";

    private Plots() {}

    /** Writes the plots into {@code dir}; returns the files written. */
    static List<Path> write(Report report, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Path> files = new ArrayList<>();
        files.add(save(throughput(report), dir.resolve(THROUGHPUT)));
        files.add(save(efficiency(report), dir.resolve(EFFICIENCY)));
        return files;
    }

    static XYChart throughput(Report report) {
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title("Throughput, " + Report.fmt(report.plan.throughputTasks()) + " x sleep 0 (" + report.machine.get("cores")
                        + " cores)")
                .xAxisTitle("workers (in-JVM workers; remote: worker threads over at most 4 processes)")
                .yAxisTitle("tasks/s (log scale)").build();
        style(chart);
        chart.getStyler().setYAxisLogarithmic(true);
        add(chart, "in-JVM pool (Scheduler API)", report.rows("throughput", "pool"), Keys.TASKS_PER_SECOND, 1);
        add(chart, "in-JVM over HTTP (drover submit)", report.rows("throughput", "http"), Keys.TASKS_PER_SECOND, 1);
        add(chart, "local AWS (Drover, worker processes)", report.rows("throughput", "remote"), Keys.TASKS_PER_SECOND, 1);
        add(chart, "raw SQS loop baseline (msg/s)", report.rows("raw", "raw"), Keys.RAW_MESSAGES_PER_SECOND, 1);
        add(chart, "naive baseline (1 task/message)", report.rows("naive", "naive"), Keys.TASKS_PER_SECOND, 1);
        return chart;
    }

    static XYChart efficiency(Report report) {
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title("Efficiency: (tasks per worker x task time) / wall time")
                .xAxisTitle("workers").yAxisTitle("efficiency %").build();
        style(chart);
        chart.getStyler().setYAxisMax(100.0);
        for (Plan.Efficiency e : report.plan.efficiency()) {
            String what = e.tasksPerWorker() + " x sleep " + e.taskMillis();
            for (String backend : List.of("pool", "remote")) {
                List<Row> rows = report.rows("efficiency", backend).stream()
                        .filter(r -> r.get(Keys.TASK_MILLIS) == e.taskMillis()).toList();
                add(chart, (backend.equals("pool") ? "in-JVM pool, " : "local AWS, ") + what, rows, Keys.EFFICIENCY, 100);
            }
        }
        return chart;
    }

    private static void style(XYChart chart) {
        chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
        chart.getStyler().setMarkerSize(8);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setXAxisMin(0.0);
    }

    private static void add(XYChart chart, String name, List<Row> rows, String key, double scale) {
        List<Row> sorted = rows.stream().filter(r -> Double.isFinite(r.get(key))).sorted((a, b) -> a.workers() - b.workers()).toList();
        if (sorted.isEmpty()) {
            return;
        }
        double[] x = sorted.stream().mapToDouble(Row::workers).toArray();
        double[] y = sorted.stream().mapToDouble(r -> r.get(key) * scale).toArray();
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
    }

    private static Path save(XYChart chart, Path file) throws IOException {
        String name = file.toString();
        BitmapEncoder.saveBitmap(chart, name.substring(0, name.length() - ".png".length()), BitmapFormat.PNG);
        return file;
    }
}

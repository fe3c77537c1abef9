package io.windsock.benchmarks.report;

import static io.windsock.benchmarks.report.Report.fmt;

import java.util.Map;

/** The footprint scenario's table (threads, RSS and live heap at rest) and its targets in the speed issue. */
final class FootprintTable {
    static final String SCENARIO = "s9-footprint-100";
    static final String LEAN = "windsock-lean";
    static final String[] METRICS = {"serverCores", "threadsAtStart", "appThreadsAtStart", "threadsWithClients",
        "appThreadsWithClients", "rssAtStartBytes", "rssWithClientsBytes", "liveHeapWithClientsBytes"};
    private static final double MB = 1024.0 * 1024.0;

    private FootprintTable() {
    }

    static void table(StringBuilder sb, Map<String, Report.Cell> row) {
        sb.append("| peer | runs | threads at start (the server's own) | threads, 100 idle clients (the server's own) "
                + "| RSS at start MB | RSS, 100 idle clients MB | vs Node | live heap MB | server CPU µs/ack |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Report.Cell c : row.values()) {
            sb.append("| ").append(c.peer()).append(" | ").append(c.runs()).append(" | ")
                    .append(threads(c, "threadsAtStart", "appThreadsAtStart")).append(" | ")
                    .append(threads(c, "threadsWithClients", "appThreadsWithClients")).append(" | ")
                    .append(scaled(c, "rssAtStartBytes", 1 / MB, 1)).append(" | ")
                    .append(scaled(c, "rssWithClientsBytes", 1 / MB, 1)).append(" | ")
                    .append(ratioText(Report.ratio(row, c.peer(), Report.NODE, "rssWithClientsBytes"))).append(" | ")
                    .append(scaled(c, "liveHeapWithClientsBytes", 1 / MB, 1)).append(" | ")
                    .append(scaled(c, "serverCpuUsPerOp", 1, 1)).append(" |\n");
        }
    }

    /** Rows for the targets table: the server's own threads at rest, and RSS with the lean flags against Node's. */
    static void targets(StringBuilder sb, Map<String, Map<String, Report.Cell>> cells) {
        Map<String, Report.Cell> row = cells.get(SCENARIO);
        Report.Cell windsock = row == null ? null : row.get(Report.WINDSOCK);
        Double cores = windsock == null ? null : windsock.get("serverCores");
        for (String metric : new String[] {"appThreadsAtStart", "appThreadsWithClients"}) {
            Double threads = windsock == null ? null : windsock.get(metric);
            String when = metric.endsWith("AtStart") ? "at start" : "with 100 idle clients";
            if (threads == null || cores == null) {
                line(sb, "the server's own threads " + when + " ≤ cores + 4", "not measured", "–");
            } else {
                line(sb, "the server's own threads " + when + " ≤ cores + 4 (" + fmt(cores + 4, 0) + ")",
                        fmt(threads, 0), verdict(threads <= cores + 4));
            }
        }
        Double rss = row == null ? null : Report.ratio(row, LEAN, Report.NODE, "rssWithClientsBytes");
        line(sb, "RSS with 100 idle clients ≤ 2× Node's (" + LEAN + ")", rss == null ? "not measured" : fmt(rss, 2) + "×",
                rss == null ? "–" : verdict(rss <= 2));
    }

    private static void line(StringBuilder sb, String what, String measured, String verdict) {
        sb.append("| ").append(SCENARIO).append(" | ").append(what).append(" | ").append(measured).append(" | ")
                .append(verdict).append(" |\n");
    }

    private static String verdict(boolean met) {
        return met ? "**met**" : "**missed**";
    }

    private static String threads(Report.Cell c, String all, String own) {
        Double a = c.get(all);
        Double o = c.get(own);
        return a == null ? "–" : fmt(a, 0) + (o == null ? "" : " (" + fmt(o, 0) + ")");
    }

    private static String scaled(Report.Cell c, String metric, double factor, int decimals) {
        Double d = c.get(metric);
        return d == null || d < 0 ? "–" : fmt(d * factor, decimals);
    }

    private static String ratioText(Double ratio) {
        return ratio == null ? "–" : fmt(ratio, 2) + "×";
    }
}

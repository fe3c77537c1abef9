package io.windsock.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Draws the summary as an SVG of horizontal bar panels, one per scenario and metric; no library. */
final class Chart {
    private static final int WIDTH = 980;
    private static final int LABEL = 150;
    private static final int BAR_AREA = 560;
    private static final int BAR = 15;
    private static final int GAP = 5;

    private record Panel(String scenario, String metric, String title, String unit, boolean higherIsBetter,
                         double scale) {
    }

    private static final List<Panel> PANELS = List.of(
            new Panel("s1-echo-closed", "opsPerSec", "1. Echo, 100 WebSocket clients, closed loop: acks/s",
                    "acks/s", true, 1),
            new Panel("s1-echo-closed", "serverCpuUsPerOp", "1. Echo, closed loop: server CPU per ack", "µs",
                    false, 1),
            new Panel("s2-echo-20k", "serverCpuUsPerOp", "2. Echo at a fixed 20,000/s: server CPU per ack", "µs",
                    false, 1),
            new Panel("s2-echo-20k", "latP99Us", "2. Echo at a fixed 20,000/s: p99 latency from intended send",
                    "µs", false, 1),
            new Panel("s3-fanout-1k", "serverCpuUsPerOp",
                    "3a. Fan-out, 1,000 clients in a room, 50,000 deliveries/s: server CPU per delivery", "µs",
                    false, 1),
            new Panel("s3-fanout-10k", "serverCpuUsPerOp",
                    "3b. Fan-out, 10,000 clients in a room, 50,000 deliveries/s: server CPU per delivery", "µs",
                    false, 1),
            new Panel("s4-storm-10k", "connectsPerSec", "4. Storm of 10,000 WebSocket connections: connects/s",
                    "connects/s", true, 1),
            new Panel("s4-storm-10k", "serverCpuUsPerOp", "4. Storm: server CPU per connect", "µs", false, 1),
            new Panel("s4-storm-10k", "liveHeapPerConnBytes", "4. Live heap per idle connection after a full GC",
                    "KB", false, 1.0 / 1024),
            new Panel("s5-polling-echo", "serverCpuUsPerOp",
                    "5. Long-polling echo, keep-alive (socket.io-client 4.8): server CPU per ack", "µs", false, 1),
            new Panel("s5b-polling-newconn", "serverCpuUsPerOp",
                    "5b. Long-polling echo, a connection per request: server CPU per ack", "µs", false, 1),
            new Panel("s7-cluster-fanout", "serverCpuUsPerOp",
                    "7. Fan-out across two nodes on Redis, 50,000 deliveries/s: CPU of both nodes per delivery", "µs",
                    false, 1));

    private Chart() {
    }

    static String svg(Map<String, Map<String, Report.Cell>> cells) {
        StringBuilder body = new StringBuilder();
        int y = 50;
        for (Panel panel : PANELS) {
            Map<String, Report.Cell> row = cells.get(panel.scenario());
            if (row == null) {
                continue;
            }
            List<Report.Cell> present = new ArrayList<>();
            double max = 0;
            for (Report.Cell c : row.values()) {
                Double v = c.get(panel.metric());
                if (v != null) {
                    present.add(c);
                    max = Math.max(max, v);
                }
            }
            if (present.isEmpty() || max <= 0) {
                continue;
            }
            body.append(text(10, y, 13, "bold", panel.title() + (panel.higherIsBetter()
                    ? " (higher is better)" : " (lower is better)")));
            y += 8;
            Double node = row.containsKey(Report.NODE) ? row.get(Report.NODE).get(panel.metric()) : null;
            for (Report.Cell c : present) {
                double v = c.get(panel.metric());
                int w = (int) Math.max(1, Math.round(BAR_AREA * v / max));
                body.append(text(LABEL - 8, y + BAR - 3, 12, "normal", c.peer()).replace("<text ",
                        "<text text-anchor=\"end\" "));
                body.append(String.format(Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                        LABEL, y, w, BAR, color(c.peer())));
                String label = Report.fmt(v * panel.scale(), v * panel.scale() < 10 ? 2 : v * panel.scale() < 100 ? 1 : 0)
                        + " " + panel.unit();
                if (node != null && node > 0 && !Report.NODE.equals(c.peer())) {
                    label += "  (" + Report.fmt(v / node, 2) + "× Node)";
                }
                body.append(text(LABEL + w + 6, y + BAR - 3, 12, "normal", label));
                y += BAR + GAP;
            }
            y += 22;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n", WIDTH, y, WIDTH, y));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, y));
        sb.append(text(10, 24, 15, "bold", "Windsock, Node socket.io 4.8, netty-socketio 2.0.14 and a plain Netty "
                + "WebSocket echo: medians, server on one core"));
        sb.append(body);
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String color(String peer) {
        return switch (peer) {
            case Report.WINDSOCK -> "#1f77b4";
            case "windsock-inline" -> "#6baed6";
            case Report.NODE -> "#2ca02c";
            case "netty-socketio" -> "#ff7f0e";
            case Report.CEILING -> "#8c8c8c";
            default -> "#9467bd";
        };
    }

    private static String text(int x, int y, int size, String weight, String s) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"%s\">%s</text>%n",
                x, y, size, weight, escape(s));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

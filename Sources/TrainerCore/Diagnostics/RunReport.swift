import Foundation

/// `report.html`: one self-contained page per run — summary, diagnosis, charts, config — with
/// inline CSS and inline SVG, so it opens offline and can be mailed or archived as one file.
///
/// Everything on the page comes from the `RunRecord` (the numbers from the final
/// `summary.json`), so the page shows exactly what the run folder's files say, and the same
/// record always gives the same bytes.
public enum RunReport {
    /// The page for a run, with `charts` (file name, chart) inlined in order.
    public static func html(_ record: RunRecord, charts: [(file: String, chart: SVGLineChart)], diagnosis: Diagnosis?) -> String {
        let summary = record.summary
        let name = string(summary["name"]) ?? record.config.name
        var page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(name)) — trainer run report</title>
        <style>\(css)</style>
        </head>
        <body>

        """
        page += header(record, name: name)
        page += glance(record)
        if let diagnosis { page += diagnosisSection(diagnosis) }
        page += "<section><h2>Charts</h2>\n<div class=\"charts\">\n"
        for (file, chart) in charts {
            page += "<figure id=\"\(escape(file))\">\(chart.render())<figcaption>\(escape(file))</figcaption></figure>\n"
        }
        page += "</div></section>\n"
        page += details(record)
        page += "<footer>Written by trainer \(escape(string(summary["environment"]?["trainer_version"]) ?? TrainerCore.version)). Files: config.json, metrics.csv, epochs.csv, summary.json, model.json, \(charts.map(\.file).joined(separator: ", ")), a TensorBoard event file.</footer>\n"
        page += "</body>\n</html>\n"
        return page
    }

    static func header(_ record: RunRecord, name: String) -> String {
        let summary = record.summary
        let status = record.status.rawValue
        var html = "<header>\n<h1>\(escape(name)) <span class=\"badge \(status)\">\(escape(status))</span></h1>\n"
        if let reason = string(summary["stop_reason"]) { html += "<p class=\"reason\">\(escape(reason))</p>\n" }
        html += "<p class=\"path\">\(escape(record.directory.path))</p>\n</header>\n"
        return html
    }

    /// The numbers a reader looks for first, as large tiles.
    static func glance(_ record: RunRecord) -> String {
        let s = record.summary
        let final = s["final"]
        let metric = record.config.model.type.isClassifier ? ("accuracy", "accuracy") : ("r2", "R²")
        var tiles: [(String, String)] = [
            ("train loss", number(final?["train_loss"])),
            ("validation loss", number(final?["val_loss"])),
            ("train \(metric.1)", number(final?["train_\(metric.0)"])),
            ("validation \(metric.1)", number(final?["val_\(metric.0)"])),
            ("‖∇f‖ (full batch)", number(final?["grad_norm"])),
        ]
        if let gap = s["reference"]?["objective_gap"] { tiles.append(("gap f − f*", number(gap))) }
        tiles.append(("steps / epochs", "\(number(s["steps"])) / \(number(s["epochs_completed"]))"))
        tiles.append(("total time", number(s["timing"]?["total_seconds"]).appending(" s")))
        var html = "<section class=\"glance\">\n"
        for (label, value) in tiles {
            html += "<div class=\"tile\"><div class=\"value\">\(escape(value))</div><div class=\"label\">\(escape(label))</div></div>\n"
        }
        return html + "</section>\n"
    }

    static func diagnosisSection(_ d: Diagnosis) -> String {
        let warnings = d.findings.contains { $0.severity == .warning }
        var html = "<section><h2>Diagnosis</h2>\n<p class=\"verdict \(warnings ? "warn" : "ok")\">\(escape(d.verdict))</p>\n"
        if !d.findings.isEmpty {
            html += "<ul class=\"findings\">\n"
            for f in d.findings {
                html += "<li class=\"\(f.severity.rawValue)\"><span class=\"kind\">\(escape(f.kind))</span> \(escape(f.message))<br><span class=\"action\">→ \(escape(f.action))</span></li>\n"
            }
            html += "</ul>\n"
        }
        return html + "</section>\n"
    }

    /// Tables of the summary's sections and the resolved config.
    static func details(_ record: RunRecord) -> String {
        let s = record.summary
        let config = record.config.resolvedJSON()
        var html = "<section><h2>Details</h2>\n<div class=\"tables\">\n"
        let run: [(String, JSONValue)] = ["status", "stop_reason", "steps", "planned_steps", "epochs_completed", "skipped_steps", "clipped_steps", "restored_epoch"]
            .compactMap { key in s[key].map { (key, $0) } }
        html += table("Run", .object(run))
        if let div = s["divergence"], div != .null { html += table("Divergence", div) }
        html += table("Model", config["model"])
        html += table("Data", s["data"])
        html += table("Optimizer", config["optimizer"])
        html += table("Schedule", config["schedule"])
        html += table("Training", config["training"])
        html += table("Final (full passes, final weights)", s["final"])
        html += table("Reference optimum", s["reference"])
        html += table("Timing (seconds)", s["timing"])
        html += table("Environment", s["environment"])
        html += "</div>\n"
        html += "<details><summary>Resolved config (config.json)</summary><pre>\(escape(config.serialized()))</pre></details>\n"
        return html + "</section>\n"
    }

    /// A two-column table of an object's members; nested objects are flattened to dotted keys.
    static func table(_ title: String, _ value: JSONValue?) -> String {
        guard let value, value != .null else {
            return "<table><caption>\(escape(title))</caption><tr><td class=\"none\">not available</td></tr></table>\n"
        }
        var html = "<table><caption>\(escape(title))</caption>\n"
        for (key, v) in flatten(value, prefix: "") {
            html += "<tr><th>\(escape(key))</th><td>\(escape(v))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    static func flatten(_ value: JSONValue, prefix: String) -> [(String, String)] {
        switch value {
        case .object(let members):
            return members.flatMap { flatten($0.1, prefix: prefix.isEmpty ? $0.0 : prefix + "." + $0.0) }
        default:
            return [(prefix.isEmpty ? "value" : prefix, text(value))]
        }
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: return "–"
        case .bool(let b): return b ? "true" : "false"
        case .number(let x): return fmt(x)
        case .string(let s): return s
        case .array(let items): return items.isEmpty ? "–" : items.map(text).joined(separator: ", ")
        case .object: return value.serialized(pretty: false)
        }
    }

    static func number(_ value: JSONValue?) -> String {
        guard let value else { return "–" }
        return text(value)
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let s)? = value { return s }
        return nil
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static let css = """
    body { font-family: Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1240px; padding: 0 16px; color: #222; line-height: 1.4; }
    h1 { font-size: 24px; margin: 0 0 4px; }
    h2 { font-size: 18px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 28px; }
    .badge { font-size: 13px; padding: 2px 10px; border-radius: 10px; vertical-align: middle; color: white; background: #666; }
    .badge.completed { background: #2e7d32; } .badge.diverged, .badge.failed { background: #c62828; } .badge.interrupted { background: #ef6c00; }
    .reason { margin: 4px 0; color: #444; } .path { margin: 0; color: #888; font-size: 12px; font-family: monospace; }
    .glance { display: grid; grid-template-columns: repeat(auto-fit, minmax(136px, 1fr)); gap: 10px; margin-top: 18px; }
    .tile { border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; }
    .tile .value { font-size: 17px; font-weight: bold; font-variant-numeric: tabular-nums; white-space: nowrap; }
    .tile .label { font-size: 12px; color: #666; }
    .verdict { font-size: 16px; font-weight: bold; padding: 8px 12px; border-radius: 6px; }
    .verdict.ok { background: #e8f5e9; } .verdict.warn { background: #fff3e0; }
    .findings { padding-left: 0; list-style: none; } .findings li { margin: 6px 0; padding: 6px 10px; border-left: 4px solid #90caf9; background: #f7f9fc; }
    .findings li.warning { border-left-color: #ef6c00; background: #fff8f0; }
    .kind { font-weight: bold; font-family: monospace; margin-right: 6px; } .action { color: #555; }
    .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 12px; }
    figure { margin: 0; border: 1px solid #eee; } figure svg { width: 100%; max-width: 600px; height: auto; display: block; margin: 0 auto; }
    figcaption { font-size: 11px; color: #888; text-align: right; padding: 0 6px 4px; font-family: monospace; }
    .tables { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 14px; align-items: start; }
    table { border-collapse: collapse; width: 100%; font-size: 13px; }
    caption { text-align: left; font-weight: bold; padding: 4px 0; }
    th, td { border-top: 1px solid #eee; padding: 3px 6px; text-align: left; vertical-align: top; }
    th { color: #555; font-weight: normal; font-family: monospace; white-space: nowrap; } td { word-break: break-word; font-variant-numeric: tabular-nums; }
    td.none { color: #888; } pre { background: #f6f6f6; padding: 10px; overflow-x: auto; font-size: 12px; }
    footer { margin-top: 30px; color: #888; font-size: 12px; }
    """
}

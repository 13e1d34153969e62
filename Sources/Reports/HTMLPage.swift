import Foundation

/// A self-contained HTML page: inline CSS, inline SVG, no scripts, no network. Written as
/// well-formed XML (every element closed, only XML's five entities) so that it also parses as
/// XHTML; browsers read it as HTML5.
struct HTMLPage {
    var title: String
    var body = ""

    mutating func heading(_ text: String, level: Int = 2, id: String? = nil) {
        let anchor = id.map { " id=\"\($0)\"" } ?? ""
        body += "<h\(level)\(anchor)>\(xmlEscaped(text))</h\(level)>\n"
    }

    mutating func paragraph(_ text: String, className: String? = nil) {
        body += "<p\(className.map { " class=\"\($0)\"" } ?? "")>\(xmlEscaped(text))</p>\n"
    }

    mutating func raw(_ html: String) { body += html + "\n" }

    /// A figure holding an SVG chart with a caption.
    mutating func figure(id: String, svg: String, caption: String) {
        body += "<figure id=\"\(id)\">\(svg)<figcaption>\(xmlEscaped(caption))</figcaption></figure>\n"
    }

    /// A table; a cell may carry its exact value for machines (`data-value`; ∞ as `inf`). The
    /// cells of the `paths` columns may break anywhere (dotted paths have no spaces to break at).
    mutating func table(id: String? = nil, header: [String], rows: [[(text: String, value: Double?)]], numeric: Set<Int> = [],
                        paths: Set<Int> = []) {
        var s = "<table\(id.map { " id=\"\($0)\"" } ?? "")><thead><tr>"
        for (c, h) in header.enumerated() { s += "<th\(numeric.contains(c) ? " class=\"num\"" : "")>\(xmlEscaped(h))</th>" }
        s += "</tr></thead><tbody>"
        for row in rows {
            s += "<tr>"
            for (c, cell) in row.enumerated() {
                let value = cell.value.map { !$0.isNaN ? " data-value=\"\(exactNumber($0))\"" : "" } ?? ""
                let className = numeric.contains(c) ? " class=\"num\"" : paths.contains(c) ? " class=\"path\"" : ""
                s += "<td\(className)\(value)>\(xmlEscaped(cell.text))</td>"
            }
            s += "</tr>"
        }
        body += s + "</tbody></table>\n"
    }

    static let style = """
        body { font-family: Georgia, 'Times New Roman', serif; max-width: 900px; margin: 2em auto; padding: 0 1em; color: #111; line-height: 1.45; }
        h1 { font-size: 1.7em; margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #999; } h3 { margin-top: 1.4em; }
        figure { margin: 1.5em 0; } figcaption { font-size: 0.9em; color: #333; margin-top: 0.3em; }
        svg { max-width: 100%; height: auto; display: block; }
        table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; } th, td { border-bottom: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
        th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; } .meta { color: #444; font-size: 0.92em; }
        td.path { overflow-wrap: anywhere; } /* long dotted paths break rather than push the table past the column */
        ol.timeline { list-style: none; padding-left: 0; } ol.timeline li { margin: 0.25em 0; padding-left: 9.5em; text-indent: -9.5em; }
        .date { display: inline-block; width: 8em; font-weight: bold; text-indent: 0; } .rung { font-family: Helvetica, Arial, sans-serif; font-size: 0.8em; border: 1px solid #666; border-radius: 3px; padding: 0 0.3em; }
        .note { font-size: 0.9em; color: #333; } code { font-size: 0.9em; }
        .warning { background: #fff4d6; border-left: 4px solid #d9a400; padding: 0.5em 0.8em; }
        .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1.5em; } .pair figure { margin: 0.8em 0; }
        details { margin: 0.5em 0 1.5em; } summary { cursor: pointer; font-size: 0.92em; color: #333; }
        @media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } figure, table { page-break-inside: avoid; } }
        """

    func render() -> String {
        """
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>\(xmlEscaped(title))</title>
        <style>
        \(HTMLPage.style)
        </style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }
}

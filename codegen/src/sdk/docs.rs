//! Doc comments from the documents are the provider's Markdown, not Rust:
//! rustdoc would compile their code blocks as doctests (Prefect's
//! descriptions indent bullet lists by four spaces, which Markdown reads as
//! code). Every code block becomes a `text` block, shown as before and never
//! compiled.

use syn::visit_mut::VisitMut;

/// Rewrites every `#[doc = "..."]` of a generated file.
pub struct DocText;

impl VisitMut for DocText {
    fn visit_attribute_mut(&mut self, attribute: &mut syn::Attribute) {
        if let syn::Meta::NameValue(doc) = &mut attribute.meta
            && doc.path.is_ident("doc")
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) = &mut doc.value
        {
            let quoted = text_code_blocks(&text.value());
            *text = syn::LitStr::new(&quoted, text.span());
        }
    }
}

/// `markdown` with each fenced block's info string set to `text`, and each
/// indented block (four spaces or a tab, after a blank line) fenced as
/// `text` and dedented.
pub fn text_code_blocks(markdown: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<String> = None;
    let mut indented = false;
    let mut previous_blank = true;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        let fence_marker = ["```", "~~~"]
            .into_iter()
            .find(|marker| trimmed.starts_with(marker));
        if let Some(open) = &fence {
            if fence_marker
                .is_some_and(|marker| trimmed.starts_with(open.as_str()) && marker == &open[..3])
            {
                fence = None;
            }
            out.push(line.to_string());
            previous_blank = false;
            continue;
        }
        let code_indent = line.starts_with("    ") || line.starts_with('\t');
        if indented && !code_indent && !line.trim().is_empty() {
            close_indented(&mut out);
            indented = false;
        }
        if indented {
            out.push(dedent(line).to_string());
            continue;
        }
        if let Some(marker) = fence_marker {
            let run: String = trimmed
                .chars()
                .take_while(|c| marker.starts_with(*c))
                .collect();
            let indent = &line[..line.len() - trimmed.len()];
            out.push(format!("{indent}{run}text"));
            fence = Some(run);
            previous_blank = false;
            continue;
        }
        if code_indent && previous_blank && !line.trim().is_empty() {
            out.push("```text".into());
            out.push(dedent(line).to_string());
            indented = true;
            continue;
        }
        previous_blank = line.trim().is_empty();
        out.push(line.to_string());
    }
    if indented {
        close_indented(&mut out);
    }
    if fence.is_some() {
        out.push("```".into());
    }
    let mut text = out.join("\n");
    if markdown.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Ends an indented block, keeping its trailing blank lines after the fence.
fn close_indented(out: &mut Vec<String>) {
    let blanks = out.iter().rev().take_while(|l| l.trim().is_empty()).count();
    let at = out.len() - blanks;
    out.insert(at, "```".into());
}

fn dedent(line: &str) -> &str {
    line.strip_prefix("    ")
        .or_else(|| line.strip_prefix('\t'))
        .unwrap_or(line.trim_start())
}

#[cfg(test)]
mod tests {
    use super::text_code_blocks;

    #[test]
    fn code_blocks_become_text() {
        assert_eq!(
            text_code_blocks("Order:\n\n    - `a`\n    - b\n\nAfter."),
            "Order:\n\n```text\n- `a`\n- b\n```\n\nAfter."
        );
        assert_eq!(
            text_code_blocks("```\nlet x = 1;\n```\n~~~~python\nprint()\n~~~~"),
            "```text\nlet x = 1;\n```\n~~~~text\nprint()\n~~~~"
        );
        // A continuation line is not a block; an unclosed fence is closed.
        assert_eq!(
            text_code_blocks("a\n    b\n```rust\nx"),
            "a\n    b\n```text\nx\n```"
        );
        assert_eq!(text_code_blocks("plain\n"), "plain\n");
    }
}

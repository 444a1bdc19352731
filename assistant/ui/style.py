"""The page's look: the theme, the CSS (chips, passage cards, checklist, reader) and a small script that
completes Gradio's labelling. Light and dark both meet WCAG 2.2 AA contrast (4.5:1 for text); no external
resources (system fonts, no web font, no CDN).

Dark mode is Gradio's: `?__theme=dark` in the URL, or the browser's dark preference, puts `dark` on <body>.
Our own colours are CSS variables set for light on `:root` and for dark on `.dark`, so each rule below is
written once.
"""

import gradio as gr

# System fonts only: the page must not fetch a web font (or anything else) from the internet.
SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Consolas", "Liberation Mono", "monospace"]

# Gradio's default theme fails AA in two places: white on its orange primary button (3.6:1) and its
# "subdued" grey for help text, the info line under a field and the footer (zinc-400: 1.9:1 on white). Blue
# buttons (6.7:1 light, 5.2:1 dark) and zinc-600 help text (7.7:1 on white) fix both; dark mode keeps zinc-400,
# which reads at 7.8:1 or more on its dark greys.
THEME = gr.themes.Default(primary_hue="blue", font=SYSTEM_FONTS, font_mono=MONO_FONTS).set(
    button_primary_background_fill="*primary_700",
    button_primary_background_fill_hover="*primary_800",
    button_primary_background_fill_dark="*primary_600",
    button_primary_background_fill_hover_dark="*primary_700",
    button_primary_text_color="white",
    button_primary_text_color_dark="white",
    body_text_color_subdued="*neutral_600",
    body_text_color_subdued_dark="*neutral_400",
    block_info_text_color="*neutral_600",
    block_info_text_color_dark="*neutral_400",
    input_placeholder_color="*neutral_500",
    input_placeholder_color_dark="*neutral_400",
    link_text_color="*primary_700",
    link_text_color_visited="*primary_800",
    link_text_color_dark="*primary_300",
    link_text_color_visited_dark="*primary_300",
)

CSS = """
:root {
  --uncc-text: #111827; --uncc-muted: #374151; --uncc-faint: #4b5563;
  --uncc-card: #ffffff; --uncc-border: #d1d5db; --uncc-rule: #e5e7eb;
  --uncc-banner-bg: #fffbeb; --uncc-banner-edge: #b45309; --uncc-banner-text: #1f2937;
  --uncc-selected-bg: #eff6ff; --uncc-selected-edge: #2563eb; --uncc-selected-ring: #bfdbfe;
  --uncc-tag-bg: #f3f4f6; --uncc-tag-text: #374151;
  --uncc-official-bg: #dcfce7; --uncc-official-text: #14532d;
  --uncc-guidance-bg: #ede9fe; --uncc-guidance-text: #4c1d95;
  --uncc-error-bg: #fef2f2; --uncc-error-edge: #dc2626; --uncc-error-text: #7f1d1d;
  --uncc-ok-bg: #dcfce7; --uncc-ok-text: #14532d; --uncc-warn-bg: #fef3c7; --uncc-warn-text: #78350f;
  --uncc-given: #15803d; --uncc-missing: #b91c1c; --uncc-weak: #b45309;
  --uncc-focus: #1d4ed8;
}
.dark {
  --uncc-text: #f4f4f5; --uncc-muted: #d4d4d8; --uncc-faint: #bbbbc2;
  --uncc-card: #1f1f23; --uncc-border: #52525b; --uncc-rule: #3f3f46;
  --uncc-banner-bg: #2b2111; --uncc-banner-edge: #f59e0b; --uncc-banner-text: #fef3c7;
  --uncc-selected-bg: #172554; --uncc-selected-edge: #60a5fa; --uncc-selected-ring: #1e3a8a;
  --uncc-tag-bg: #3f3f46; --uncc-tag-text: #e4e4e7;
  --uncc-official-bg: #14532d; --uncc-official-text: #dcfce7;
  --uncc-guidance-bg: #4c1d95; --uncc-guidance-text: #ede9fe;
  --uncc-error-bg: #450a0a; --uncc-error-edge: #f87171; --uncc-error-text: #fecaca;
  --uncc-ok-bg: #14532d; --uncc-ok-text: #dcfce7; --uncc-warn-bg: #78350f; --uncc-warn-text: #fef3c7;
  --uncc-given: #4ade80; --uncc-missing: #fca5a5; --uncc-weak: #fbbf24;
  --uncc-focus: #93c5fd;
}
.uncc-banner { border-inline-start: 4px solid var(--uncc-banner-edge); padding: 4px 12px;
  background: var(--uncc-banner-bg) !important; color: var(--uncc-banner-text) !important; }
.uncc-banner *, .uncc-banner strong { color: var(--uncc-banner-text) !important; }
.uncc-chips .wrap { gap: 6px !important; }
.uncc-chips label { border-radius: 999px !important; padding: 2px 12px !important; cursor: pointer; }
.uncc-passages { display: flex; flex-direction: column; gap: 8px; max-height: 460px; overflow-y: auto; }
.uncc-passage { border: 1px solid var(--uncc-border); border-radius: 8px; padding: 8px 12px;
  background: var(--uncc-card); color: var(--uncc-text); }
.uncc-passage strong { color: var(--uncc-text); }
.uncc-passage.selected { border: 2px solid var(--uncc-selected-edge); background: var(--uncc-selected-bg);
  box-shadow: 0 0 0 3px var(--uncc-selected-ring); }
.uncc-passage p { margin: 6px 0 0; line-height: 1.45; color: var(--uncc-text); }
.uncc-passage-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
.uncc-label { font-weight: 700; }
.uncc-passage-title { font-size: 0.9em; color: var(--uncc-muted); margin-top: 2px; }
.uncc-kind { font-size: 0.8em; border-radius: 999px; padding: 1px 8px; background: var(--uncc-tag-bg);
  color: var(--uncc-tag-text); }
.uncc-kind-official { background: var(--uncc-official-bg); color: var(--uncc-official-text); }
.uncc-kind-guidance { background: var(--uncc-guidance-bg); color: var(--uncc-guidance-text); }
.uncc-empty { color: var(--uncc-faint); font-style: italic; padding: 8px 0; }
.uncc-error { border: 1px solid var(--uncc-error-edge); background: var(--uncc-error-bg); color: var(--uncc-error-text);
  border-radius: 6px; padding: 8px 12px; white-space: pre-wrap; margin-bottom: 8px; }
.uncc-check-summary { font-weight: 700; padding: 6px 10px; border-radius: 6px; margin-bottom: 6px; }
.uncc-check-summary.uncc-complete { background: var(--uncc-ok-bg); color: var(--uncc-ok-text); }
.uncc-check-summary.uncc-incomplete { background: var(--uncc-warn-bg); color: var(--uncc-warn-text); }
.uncc-checklist { list-style: none; padding-inline-start: 0; margin: 0; }
.uncc-check { padding: 4px 0; border-bottom: 1px solid var(--uncc-rule); }
.uncc-mark { display: inline-block; width: 1.2em; font-weight: 700; }
.uncc-check-given .uncc-mark { color: var(--uncc-given); }
.uncc-check-missing .uncc-mark, .uncc-check-missing strong { color: var(--uncc-missing); }
.uncc-check-weak .uncc-mark { color: var(--uncc-weak); }
.uncc-check-optional { color: var(--uncc-faint); }
.uncc-basis { font-size: 0.85em; color: var(--uncc-faint); margin-inline-start: 1.2em; }
/* The reader: chapters as a list, one article per line; previous/next side by side. */
.uncc-toc .wrap { flex-direction: column; align-items: stretch; gap: 2px !important; }
.uncc-toc label { width: 100%; }
#toc .label-wrap { text-align: start; }
.uncc-nav { align-items: center; }
/* Right to left (Arabic): our own rules use logical sides (inline-start/end) and follow the page's direction;
   Gradio's own left/right ones are mirrored here. A closed fold's chevron points to the side it sits on (Gradio
   turns it with an inline style, hence !important), and a radio button's or checkbox's text sits after it. */
html[dir="rtl"] .label-wrap:not(.open) .icon { transform: rotate(-90deg) !important; }
html[dir="rtl"] label:has(> input[type="radio"], > input[type="checkbox"]) > input + * {
  margin-left: 0; margin-right: var(--size-2); }
/* The case editor (CodeMirror, inside gr.Code) colours YAML in Gradio's palette, which fails AA: on white, keys
   and strings #d08770 (2.8:1), punctuation and numbers #88c0d0 (2:1), true/false #5e81ac (4:1); on the dark
   #27272a, punctuation #a54543 (2.5:1) and comments #808080 (3.8:1). CodeMirror names those colours with
   generated classes, so no rule can pick out one: every token takes the page's text colour (comments stay
   italic). */
.cm-content, .cm-content * { color: var(--uncc-text) !important; }
/* Read out, not shown: each tab's heading (its button shows the name on screen). Out of the page's flow. */
.uncc-sr-only { position: absolute !important; width: 1px !important; height: 1px !important; margin: -1px;
  padding: 0 !important; border: 0 !important; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
/* Keyboard users see where they are: a clear ring on whatever has focus. */
button:focus-visible, a:focus-visible, summary:focus-visible, [role="tab"]:focus-visible,
input:focus-visible, textarea:focus-visible, [tabindex]:focus-visible {
  outline: 3px solid var(--uncc-focus) !important; outline-offset: 2px; }
label:has(input[type="radio"]:focus-visible), label:has(input[type="checkbox"]:focus-visible) {
  outline: 3px solid var(--uncc-focus); outline-offset: 2px; }
"""

# Gradio names a radio group with a <span>, not a <legend>, so a screen reader announced "yes" without the
# question, or "Art. 37" without "Related articles": each such group is pointed at its label. Its empty-file
# placeholder puts aria-label on a plain <div>, which ARIA forbids: it gets role="img", the icon it shows. A
# text box with a copy button wraps both in one <label>, which then names the button, not the box: the box is
# pointed at the label's text. An accordion's button does not say whether it is open: it gets aria-expanded.
# A code editor (CodeMirror) scrolls its text in a box with tabindex="-1"; the text itself is contenteditable,
# which Tab reaches but which is not focusable to axe (nor at all when read-only): it gets tabindex="0", so
# the scrolled box holds a focusable element, with no new tab stop.
# Re-applied whenever the page changes (Gradio re-renders components, an accordion toggles its class), at
# most once per frame.
A11Y_HEAD = """<script>
(() => {
  let queued = false, counter = 0;
  const labelledBy = (element, label) => {
    if (!label || !label.textContent.trim()) return;
    if (!label.id) label.id = "uncc-label-" + ++counter;
    if (element.getAttribute("aria-labelledby") !== label.id) element.setAttribute("aria-labelledby", label.id);
  };
  const fix = () => {
    queued = false;
    for (const group of document.querySelectorAll("fieldset")) {
      labelledBy(group, group.querySelector(':scope > [data-testid="block-info"]'));
    }
    for (const label of document.querySelectorAll("label.container")) {
      const box = label.querySelector("textarea, input");
      const text = label.querySelector(':scope > [data-testid="block-info"]');
      if (box && label.querySelector("button")) labelledBy(box, text);
    }
    for (const box of document.querySelectorAll("div.empty[aria-label]:not([role])")) box.setAttribute("role", "img");
    for (const text of document.querySelectorAll(".cm-content:not([tabindex])")) text.setAttribute("tabindex", "0");
    for (const button of document.querySelectorAll(".gr-accordion > button.label-wrap")) {
      const open = String(button.classList.contains("open"));
      if (button.getAttribute("aria-expanded") !== open) button.setAttribute("aria-expanded", open);
    }
  };
  const watched = { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] };
  new MutationObserver(() => { if (!queued) { queued = true; requestAnimationFrame(fix); } })
    .observe(document.documentElement, watched);
})();
</script>"""

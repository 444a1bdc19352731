"""The page's CSS: citation chips, passage cards, the completeness checklist. No external resources."""

CSS = """
.uncc-banner { border-left: 4px solid #b45309; padding: 4px 12px; background: #fffbeb; color: #1f2937; }
.uncc-chips .wrap { gap: 6px !important; }
.uncc-chips label { border-radius: 999px !important; padding: 2px 12px !important; cursor: pointer; }
.uncc-passages { display: flex; flex-direction: column; gap: 8px; max-height: 460px; overflow-y: auto; }
.uncc-passage { border: 1px solid #d1d5db; border-radius: 8px; padding: 8px 12px; background: #fff; color: #111827; }
.uncc-passage.selected { border: 2px solid #2563eb; background: #eff6ff; box-shadow: 0 0 0 3px #bfdbfe; }
.uncc-passage p { margin: 6px 0 0; line-height: 1.45; }
.uncc-passage-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
.uncc-label { font-weight: 700; }
.uncc-passage-title { font-size: 0.9em; color: #374151; margin-top: 2px; }
.uncc-kind { font-size: 0.8em; border-radius: 999px; padding: 1px 8px; background: #f3f4f6; color: #374151; }
.uncc-kind-official { background: #dcfce7; color: #14532d; }
.uncc-kind-guidance { background: #ede9fe; color: #4c1d95; }
.uncc-empty { color: #4b5563; font-style: italic; padding: 8px 0; }
.uncc-error { border: 1px solid #dc2626; background: #fef2f2; color: #7f1d1d; border-radius: 6px;
  padding: 8px 12px; white-space: pre-wrap; margin-bottom: 8px; }
.uncc-check-summary { font-weight: 700; padding: 6px 10px; border-radius: 6px; margin-bottom: 6px; }
.uncc-check-summary.uncc-complete { background: #dcfce7; color: #14532d; }
.uncc-check-summary.uncc-incomplete { background: #fef3c7; color: #78350f; }
.uncc-checklist { list-style: none; padding-left: 0; margin: 0; }
.uncc-check { padding: 4px 0; border-bottom: 1px solid #e5e7eb; }
.uncc-mark { display: inline-block; width: 1.2em; font-weight: 700; }
.uncc-check-given .uncc-mark { color: #15803d; }
.uncc-check-missing .uncc-mark, .uncc-check-missing strong { color: #b91c1c; }
.uncc-check-weak .uncc-mark { color: #b45309; }
.uncc-check-optional { color: #6b7280; }
.uncc-basis { font-size: 0.85em; color: #4b5563; margin-left: 1.2em; }
"""

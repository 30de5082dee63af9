"""The benchmark harness: a synthetic organisation, timed with baselines from the same run.

Run it with `uv run python -m bench --scale L` (see bench/README.md). The app never imports this
package; the harness only uses the app's public store, content and page code.
"""

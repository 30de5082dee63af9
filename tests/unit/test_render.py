"""Whatever Markdown says, the HTML that comes out cannot run script or leave the page unsafely."""

import pytest

from carecoord.content.render import MAX_RENDER_CHARS, render


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<div onclick="alert(1)">click</div>',
    "<iframe src=https://evil.example></iframe>",
    '<a href="javascript:alert(1)">x</a>',
])
def test_raw_html_is_escaped(attack):
    html = render(f"Before {attack} after")
    assert "<script" not in html and "<img" not in html and "<div onclick" not in html and "<iframe" not in html
    assert "<a href" not in html
    assert "&lt;" in html


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "data:image/png;base64,AAAA",
    "file:///etc/passwd",
])
def test_unsafe_links_and_images_are_inert(url):
    html = render(f"[click]({url}) and ![img]({url})")
    assert "href=" not in html and "src=" not in html


def test_safe_links_are_kept():
    html = render("[site](https://example.org) [mail](mailto:a@b.org) [page](other.md) [top](#top)")
    for href in ("https://example.org", "mailto:a@b.org", "other.md", "#top"):
        assert f'href="{href}"' in html


def test_callouts_and_tables_render():
    html = render("> [!NOTE]\n> **Family perspective.** Hi\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert 'class="markdown-alert markdown-alert-note"' in html
    assert "<table>" in html and "<td>1</td>" in html


def test_oversized_input_is_refused():
    with pytest.raises(ValueError, match="too long"):
        render("x" * (MAX_RENDER_CHARS + 1))

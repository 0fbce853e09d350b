"""The one template environment: sandboxed, strict about names, HTML escaped, data never run."""

from __future__ import annotations

import pytest

from nypconsol.core.errors import ExitCode
from nypconsol.render.templating import TemplateProblem, TemplateText, check_template, render


def override(text: str, name: str = "notice.txt", **where) -> dict[str, TemplateText]:  # type: ignore[no-untyped-def]
    return {name: TemplateText(name=f"notices.templates.{name}", text=text, **where)}


def test_fields_are_inserted_as_text_never_evaluated():
    out = render("notice.txt", {"owner": "{{ 7*7 }} <script>"}, override("By {{ owner }}."))
    assert out == "By {{ 7*7 }} <script>."


def test_html_is_escaped_and_text_is_not():
    fields = {"owner": "<script>alert(1)</script> & co"}
    html = render("r.html", fields, override("<p>{{ owner }}</p>", "r.html"))
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p>"
    text = render("r.txt", fields, override("{{ owner }}", "r.txt"))
    assert text == "<script>alert(1)</script> & co"


def test_an_unknown_field_names_the_template_its_line_and_the_field():
    with pytest.raises(TemplateProblem) as problem:
        render("notice.txt", {"handle": "A"}, override("Hello {{ handle }}\nFrom {{ ownr }}\n"))
    message = str(problem.value)
    assert message.startswith("notices.templates.notice.txt, line 2: ")
    assert "'ownr' is undefined" in message
    assert problem.value.exit_code == ExitCode.INPUT_ERRORS


def test_a_problem_in_a_config_override_names_the_config_file_line():
    where = {"file": "config/accounts.yaml", "first_line": 40}
    with pytest.raises(TemplateProblem) as problem:
        render("n.txt", {}, override("one\ntwo\n{{ missing }}", "n.txt", **where))
    assert str(problem.value).startswith("config/accounts.yaml:42 (notices.templates.n.txt): ")


def test_bad_syntax_is_found_before_rendering():
    with pytest.raises(TemplateProblem) as problem:
        check_template("n.txt", TemplateText(name="n.txt", text="ok\n{% if %}\n"))
    assert str(problem.value).startswith("n.txt, line 2: bad template syntax: ")


@pytest.mark.parametrize(
    "text",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ handle.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os }}",
    ],
)
def test_the_sandbox_refuses_reaching_into_python(text: str):
    with pytest.raises(TemplateProblem):
        render("n.txt", {"handle": "A"}, override(text, "n.txt"))


def test_a_missing_shipped_template_is_a_clear_problem():
    with pytest.raises(TemplateProblem) as problem:
        render("no-such-template.txt", {})
    assert "template no-such-template.txt" in str(problem.value)


def test_render_to_writes_what_render_returns_piece_by_piece():
    import io

    from nypconsol.render.templating import render_to

    fields = {
        "title": "T <b>",
        "districts": [],
        "priorities": (),
        "meanings": {},
        "meanings_long": {},
        "since": None,
        "version": "0",
        "more_in": "",
        "number": str,
        "visible": str,
        "platform": str,
        "shown": iter,
    }
    out = io.StringIO()
    render_to("sweep/worklist.html", fields, out)
    assert out.getvalue() == render("sweep/worklist.html", fields)
    assert "T &lt;b&gt;" in out.getvalue()
    with pytest.raises(TemplateProblem) as problem:
        render_to("sweep/worklist.html", {"title": "T"}, io.StringIO())
    assert str(problem.value).startswith("template sweep/worklist.html, line ")

"""The one prompt renderer refuses templates that would exhaust memory or time, in plain words."""

from __future__ import annotations

import time

import pytest

from core import prompts
from core.errors import ValidationError
from core.generation.prompts import check_template
from core.models.scaffolding import PromptTemplate
from core.prompts import RenderLimits, TemplateLimitError

HOSTILE = {
    "repeat a string 10**10 times": "{{ 'x' * 10**10 }}",
    "range(10**9)": "{% for i in range(10**9) %}{% endfor %}",
    "nested range(100000) loops": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "nested loops over a long string": "{% for a in 'x' * 50000 %}{% for b in 'x' * 50000 %}{% endfor %}{% endfor %}",
    "a render of hundreds of MB": "{% for i in range(10000) %}{{ 'y' * 60000 }}{% endfor %}",
    "a value doubled in a loop": (
        "{% set ns = namespace(x='ab') %}{% for i in range(60) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}{{ ns.x }}"
    ),
    "a filter padding to a huge width": "{{ 'x'|center(10**9) }}",
    "a method padding to a huge width": "{{ 'x'.ljust(10**9) }}",
    "a format width": "{{ '{:>1000000000}'.format(1) }}",
    "a printf width": "{{ '%1000000000s' % 1 }}",
    "a replace that explodes": "{{ ('x' * 100000)|replace('x', 'x' * 100000) }}",
    "a join of huge parts": "{{ (['x' * 900000] * 5)|join }}",
    "a huge power": "{{ 10 ** 100000 }}",
    "a macro calling itself": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
}


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_templates_stop_quickly_with_a_plain_message(source: str) -> None:
    started = time.monotonic()
    with pytest.raises(TemplateLimitError) as caught:
        prompts.render(source, {}, label="template 'Hostile'")
    assert time.monotonic() - started < 5
    assert caught.value.user_message.startswith("The template 'Hostile' was stopped:")
    assert caught.value.hint


def test_ordinary_loops_ranges_and_repetition_still_render() -> None:
    source = "{% for i in range(3) %}{{ i }}{% endfor %} {{ range(4)|list }} {{ 'ab' * 2 }} {{ [1, 2]|join(',') }}"
    assert prompts.render(source, {}) == "012 [0, 1, 2, 3] abab 1,2"


def test_limits_are_settable_per_render() -> None:
    with pytest.raises(TemplateLimitError, match="more than 10 times"):
        prompts.render("{% for i in range(20) %}{% endfor %}", {}, limits=RenderLimits(max_iterations=10))
    with pytest.raises(TemplateLimitError, match="longer than 5 characters"):
        prompts.render("{{ text }}", {"text": "abcdefgh"}, limits=RenderLimits(max_output_chars=5))


def test_a_variable_named_like_the_loop_guard_cannot_switch_it_off() -> None:
    source = "{% for i in range(20) %}x{% endfor %}"
    with pytest.raises(TemplateLimitError):
        prompts.render(source, {"loop_budget": list}, limits=RenderLimits(max_iterations=10))


def test_saving_a_template_that_goes_past_a_limit_is_refused() -> None:
    template = PromptTemplate(
        template_name="Runaway",
        tier="template",
        emotional_arc_type="grief_to_healing",
        template_text="{{ persona_name * 10**9 }}",
    )
    with pytest.raises(ValidationError, match="The template 'Runaway' was stopped"):
        check_template(template)


def test_limit_errors_are_validation_errors_so_pages_show_them() -> None:
    assert issubclass(TemplateLimitError, ValidationError)

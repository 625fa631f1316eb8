"""How a refusal reads: one status and one set of messages per error."""

from cms.services.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NameClash,
    NotFound,
    ServiceError,
    Stale,
)


def test_each_error_has_the_status_the_contract_gives():
    assert {
        cls: cls.status for cls in (Invalid, Forbidden, NotFound, Conflict, Stale)
    } == {
        Invalid: 400,
        Forbidden: 403,
        NotFound: 404,
        Conflict: 409,
        Stale: 412,
    }
    assert NameClash.status == 409 and issubclass(NameClash, ServiceError)


def test_a_form_shows_field_errors_where_they_belong():
    error = Invalid([{"field": "title", "message": "Required."}])
    assert error.messages("id") == [{"field": "title", "message": "Required."}]


def test_a_form_shows_any_other_refusal_at_the_field_it_names():
    error = NameClash("'page' is already taken in /a/")
    assert error.messages("id") == [
        {"field": "id", "message": "'page' is already taken in /a/"}
    ]


def test_the_command_line_reads_fields_and_messages():
    error = Invalid([{"field": "login", "message": "Taken."}])
    assert str(error) == "login: Taken."
    assert str(Forbidden()) == "You may not do this here."

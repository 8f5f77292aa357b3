"""Envelope encryption and the sandbox bureau, without a database."""

from __future__ import annotations

import base64
import uuid
from datetime import date

import pytest
from cryptography.exceptions import InvalidTag

from loan_engine.applications.bureau import PERSONAS, BureauIdentity, SandboxBureau
from loan_engine.crypto import KeyMissingError, KeyWrapper, open_field, seal_fields
from loan_engine.settings import Settings, SettingsError

KEK = base64.b64encode(bytes(range(32))).decode()


def test_a_sealed_field_opens_only_for_its_record_field_and_key() -> None:
    keys = KeyWrapper.from_base64(KEK, "k1", prod=True)
    record = uuid.uuid4()
    sealed = seal_fields(keys, record, {"taxId": "123456789", "birthDate": "1980-01-31"})
    assert b"123456789" not in sealed.fields["taxId"]
    assert open_field(keys, record, sealed.wrapped_key, "taxId", sealed.fields["taxId"]) == "123456789"
    with pytest.raises(InvalidTag):  # the ciphertext of one field moved to another
        open_field(keys, record, sealed.wrapped_key, "birthDate", sealed.fields["taxId"])
    with pytest.raises(InvalidTag):  # to another record
        open_field(keys, uuid.uuid4(), sealed.wrapped_key, "taxId", sealed.fields["taxId"])
    other = KeyWrapper.from_base64(base64.b64encode(bytes(32)).decode(), "k1", prod=True)
    with pytest.raises(InvalidTag):  # under another key-encryption key
        open_field(other, record, sealed.wrapped_key, "taxId", sealed.fields["taxId"])
    again = seal_fields(keys, record, {"taxId": "123456789"})
    assert again.wrapped_key != sealed.wrapped_key  # a data key per record (and per sealing)


def test_production_without_a_kek_refuses_instead_of_using_the_development_key() -> None:
    keys = KeyWrapper.from_base64(None, "k1", prod=True)
    with pytest.raises(KeyMissingError):
        seal_fields(keys, uuid.uuid4(), {"taxId": "1"})
    assert KeyWrapper.from_base64(None, "k1", prod=False).key_id == "dev"


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_bad_kek_is_a_settings_error(value: str) -> None:
    with pytest.raises(SettingsError, match="DATA_KEK"):
        Settings.from_env({"DATA_KEK": value})


async def test_the_sandbox_is_deterministic_and_says_so() -> None:
    bureau = SandboxBureau()
    person = BureauIdentity("Ada", "Lovelace", date(1985, 12, 10), "987-65-4321", "10001")
    first, second = await bureau.pull(person), await bureau.pull(person)
    assert first.facts == second.facts
    assert first.sandbox
    assert "sandbox" in first.bureau
    for ending, persona in PERSONAS.items():
        report = await bureau.pull(BureauIdentity("A", "B", date(1990, 1, 1), f"111-22-{ending}", "10001"))
        assert report.persona == persona.name
        assert len(report.key_factors) <= 4

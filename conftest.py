"""Shared pytest fixtures: a small two-agency world to test access and behaviour against."""

import pytest

from tests.factories import World


@pytest.fixture
def world(db):
    return World.build()

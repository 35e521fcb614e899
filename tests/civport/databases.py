"""Scratch PostgreSQL databases next to the test database, made and dropped by the tests of the
deploy check and of backup and restore (CREATE DATABASE cannot run in the test's transaction,
so each statement has a connection of its own)."""

import psycopg2

from civport.backup import libpq_params


def _execute(settings_dict, sql):
    connection = psycopg2.connect(**{**libpq_params(settings_dict), "dbname": "postgres"})
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def database_create(settings_dict, name):
    """Create an empty database `name` (dropping one left by an interrupted run); returns its
    settings."""
    _execute(settings_dict, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _execute(settings_dict, f'CREATE DATABASE "{name}"')
    return {**settings_dict, "NAME": name}


def database_drop(settings_dict, name):
    _execute(settings_dict, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

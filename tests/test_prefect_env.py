"""Prefect settings applied before `import prefect` (flows/prefect_env.py)."""

import ssl

from flows import prefect_env


def test_plain_http_api_gets_the_one_certificate_bundle() -> None:
    environ = {"PREFECT_API_URL": "http://127.0.0.1:4200/api"}
    prefect_env.apply_defaults(environ)
    assert environ["PREFECT_API_SSL_CERT_FILE"] == str(prefect_env.PLAIN_HTTP_CA_FILE)
    # The bundle is a valid CA file: Prefect's client builds its TLS context from it.
    context = ssl.create_default_context(cafile=environ["PREFECT_API_SSL_CERT_FILE"])
    assert context.cert_store_stats()["x509_ca"] == 1


def test_tls_or_unknown_api_keeps_prefects_bundle() -> None:
    for environ in ({"PREFECT_API_URL": "https://api.prefect.cloud/api/accounts/a/workspaces/w"}, {}):
        prefect_env.apply_defaults(environ)
        assert "PREFECT_API_SSL_CERT_FILE" not in environ  # no URL in the environment: a profile may name https


def test_users_settings_win() -> None:
    environ = {"PREFECT_API_URL": "http://10.0.0.5:4200/api", "PREFECT_API_SSL_CERT_FILE": "/etc/ssl/mine.pem",
               "PREFECT_LOGGING_LEVEL": "DEBUG"}
    prefect_env.apply_defaults(environ)
    assert environ["PREFECT_API_SSL_CERT_FILE"] == "/etc/ssl/mine.pem"
    assert environ["PREFECT_LOGGING_LEVEL"] == "DEBUG"

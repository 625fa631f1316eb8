"""The site's settings: defaults, values read from the ini file, the environment."""

import pytest

from cms.settings import load_settings
from tests.unit.conftest import REQUIRED

#: What an ini file must give, and nothing more.
MINIMAL = {
    key: REQUIRED[key] for key in ("sqlalchemy.url", "cms.secret", "cms.blob_dir")
}

#: The defaults README.md gives.
DOCUMENTED = {
    "cms.batch_size": 25,
    "cms.batch_size_max": 1000,
    "cms.max_upload_bytes": 52_428_800,
    "cms.secure_cookies": True,
    "cms.session_max_age": 43_200,
    "cms.token_max_age": 2_592_000,
    "cms.login_window": 900,
    "cms.login_account_limit": 5,
    "cms.login_address_limit": 20,
    "cms.login_slowdown": 0.5,
    "cms.feed_size": 20,
    "cms.sitemap_part_size": 50_000,
    "cms.page_cache": False,
    "cms.page_cache_size": 1000,
    "cms.purge_urls": (),
    "cms.shared_max_age": 0,
}


def test_the_defaults_are_those_the_readme_gives():
    settings = load_settings(MINIMAL, environ={})
    assert {key: settings[key] for key in DOCUMENTED} == DOCUMENTED
    assert settings["cms.public_url"] == ""
    assert settings["cms.trusted_proxies"] == ()
    assert settings["cms.cors_origins"] == frozenset()


def test_ini_values_are_read_as_numbers_and_yes_or_no():
    settings = load_settings(
        {
            **MINIMAL,
            "cms.batch_size": " 10 ",
            "cms.max_upload_bytes": "1000",
            "cms.login_slowdown": "0.25",
            "cms.secure_cookies": "false",
            "pyramid.reload_templates": "yes",
        },
        environ={},
    )
    assert settings["cms.batch_size"] == 10
    assert settings["cms.max_upload_bytes"] == 1000
    assert settings["cms.login_slowdown"] == 0.25
    assert settings["cms.secure_cookies"] is False
    assert settings["pyramid.reload_templates"] is True


@pytest.mark.parametrize("text", ["off", "no", "0", "False"])
def test_secure_cookies_may_be_turned_off(text):
    settings = load_settings({**MINIMAL, "cms.secure_cookies": text}, environ={})
    assert settings["cms.secure_cookies"] is False


def test_the_public_url_loses_its_trailing_slash():
    given = {**MINIMAL, "cms.public_url": "https://www.example.org/"}
    settings = load_settings(given, environ={})
    assert settings["cms.public_url"] == "https://www.example.org"


def test_the_caches_to_ban_and_the_shared_lifetime_come_from_the_environment():
    settings = load_settings(
        {**MINIMAL, "cms.purge_urls": "http://ignored:1"},
        environ={
            "CMS_PURGE_URLS": "http://127.0.0.1:6081/, https://cache.internal:8443",
            "CMS_SHARED_MAX_AGE": "3600",
        },
    )
    assert settings["cms.purge_urls"] == (
        "http://127.0.0.1:6081",
        "https://cache.internal:8443",
    )
    assert settings["cms.shared_max_age"] == 3600


@pytest.mark.parametrize("url", ["127.0.0.1:6081", "ftp://cache", "http://"])
def test_a_cache_url_that_is_not_one_is_refused(url):
    with pytest.raises(ValueError, match=r"cms\.purge_urls: .* base URL"):
        load_settings({**MINIMAL, "cms.purge_urls": url}, environ={})


def test_a_negative_shared_lifetime_is_refused():
    with pytest.raises(ValueError, match=r"cms\.shared_max_age"):
        load_settings({**MINIMAL, "cms.shared_max_age": "-1"}, environ={})


def test_the_ini_file_is_left_as_it_was():
    given = {**MINIMAL, "cms.batch_size": "10"}
    load_settings(given, environ={"CMS_SECRET": "e" * 40})
    assert given == {**MINIMAL, "cms.batch_size": "10"}


class TestEnvironment:
    def test_the_environment_overrides_the_ini_file(self):
        settings = load_settings(
            MINIMAL,
            environ={
                "CMS_DATABASE_URL": "postgresql+psycopg://cms@db/cms",
                "CMS_PUBLIC_URL": "https://www.example.org/",
                "CMS_SECRET": "e" * 40,
                "CMS_BLOB_DIR": "/srv/blobs",
            },
        )
        assert settings["sqlalchemy.url"] == "postgresql+psycopg://cms@db/cms"
        assert settings["cms.public_url"] == "https://www.example.org"
        assert settings["cms.secret"] == "e" * 40
        assert settings["cms.blob_dir"] == "/srv/blobs"

    def test_it_may_give_what_the_ini_file_leaves_out(self):
        settings = load_settings(
            {},
            environ={
                "CMS_DATABASE_URL": "sqlite://",
                "CMS_SECRET": "e" * 40,
                "CMS_BLOB_DIR": "blobs",
            },
        )
        assert (settings["sqlalchemy.url"], settings["cms.blob_dir"]) == (
            "sqlite://",
            "blobs",
        )

    def test_a_variable_set_empty_changes_nothing(self):
        environ = {"CMS_DATABASE_URL": "", "CMS_SECRET": "", "CMS_PUBLIC_URL": ""}
        given = {**MINIMAL, "cms.public_url": "https://www.example.org"}
        settings = load_settings(given, environ=environ)
        assert settings["sqlalchemy.url"] == MINIMAL["sqlalchemy.url"]
        assert settings["cms.secret"] == MINIMAL["cms.secret"]
        assert settings["cms.public_url"] == "https://www.example.org"

    def test_other_variables_are_not_settings(self):
        settings = load_settings(MINIMAL, environ={"CMS_BATCH_SIZE": "3"})
        assert settings["cms.batch_size"] == 25


class TestRefusedAtStartUp:
    @pytest.mark.parametrize("key", ["sqlalchemy.url", "cms.blob_dir"])
    def test_without_a_database_or_a_blob_store(self, key):
        given = {k: v for k, v in MINIMAL.items() if k != key}
        variable = {
            "sqlalchemy.url": "CMS_DATABASE_URL",
            "cms.blob_dir": "CMS_BLOB_DIR",
        }
        with pytest.raises(ValueError, match=variable[key]):
            load_settings(given, environ={})
        with pytest.raises(ValueError, match=variable[key]):
            load_settings({**given, key: ""}, environ={})

    def test_a_bucket_instead_of_a_blob_folder(self):
        given = {k: v for k, v in MINIMAL.items() if k != "cms.blob_dir"}
        environ = {"CMS_BLOB_URL": "s3://files/site", "CMS_S3_ENDPOINT": "http://s3"}
        settings = load_settings(given, environ=environ)
        assert (settings["cms.blob_url"], settings["cms.s3_endpoint"]) == (
            "s3://files/site",
            "http://s3",
        )

    @pytest.mark.parametrize("url", ["s3://", "s3:///prefix", "ftp://host/x"])
    def test_a_blob_url_that_names_no_store(self, url):
        with pytest.raises(ValueError, match=r"blob store URL|no bucket"):
            load_settings({**MINIMAL, "cms.blob_url": url}, environ={})

    @pytest.mark.parametrize("secret", ["", "s" * 31])
    def test_a_short_secret(self, secret):
        with pytest.raises(ValueError, match=r"cms\.secret .*at least 32"):
            load_settings({**MINIMAL, "cms.secret": secret}, environ={})

    def test_a_short_secret_from_the_environment(self):
        with pytest.raises(ValueError, match="CMS_SECRET"):
            load_settings(MINIMAL, environ={"CMS_SECRET": "short"})

    def test_a_secret_of_32_characters_will_do(self):
        settings = load_settings({**MINIMAL, "cms.secret": "s" * 32}, environ={})
        assert settings["cms.secret"] == "s" * 32


class TestCorsOrigins:
    def test_origins_are_read_as_a_browser_writes_them(self):
        given = {
            **MINIMAL,
            "cms.cors_origins": " HTTPS://App.Example.org:443\n http://localhost:3000/",
        }
        settings = load_settings(given, environ={})
        assert settings["cms.cors_origins"] == {
            "https://app.example.org",
            "http://localhost:3000",
        }

    def test_the_environment_gives_them(self):
        environ = {"CMS_CORS_ORIGINS": "https://a.example.org https://b.example.org"}
        settings = load_settings(
            {**MINIMAL, "cms.cors_origins": "https://old.example.org"}, environ=environ
        )
        assert settings["cms.cors_origins"] == {
            "https://a.example.org",
            "https://b.example.org",
        }

    @pytest.mark.parametrize(
        "text",
        ["*", "app.example.org", "https://app.example.org/path", "ftp://x.org", "null"],
    )
    def test_anything_but_an_origin_stops_the_start(self, text):
        # "*" would open the API to every site: it is refused, never guessed.
        with pytest.raises(ValueError, match=r"cms\.cors_origins"):
            load_settings({**MINIMAL, "cms.cors_origins": text}, environ={})


class TestBadValues:
    """A mistyped value stops the start, naming its setting."""

    @pytest.mark.parametrize(
        ("key", "text"),
        [
            ("cms.batch_size", "lots"),
            ("cms.max_upload_bytes", "50MB"),
            ("cms.session_max_age", "12h"),
            ("cms.login_slowdown", "fast"),
            ("cms.login_slowdown", "nan"),
            ("cms.token_max_age", "-1"),
        ],
    )
    def test_a_value_that_is_no_number_is_named(self, key, text):
        # Not "invalid literal for int() with base 10": which setting?
        with pytest.raises(ValueError, match=key.replace(".", r"\.")):
            load_settings({**MINIMAL, key: text}, environ={})

    @pytest.mark.parametrize("size", ["0", "-5", "1001"])
    def test_a_default_batch_size_a_client_could_not_ask_for(self, size):
        # 0 made every folder listing fail; above cms.batch_size_max, the
        # default is a size no client may ask for.
        with pytest.raises(ValueError, match=r"cms\.batch_size"):
            load_settings({**MINIMAL, "cms.batch_size": size}, environ={})

    @pytest.mark.parametrize(
        ("key", "text"),
        [
            ("cms.feed_size", "1001"),
            ("cms.feed_size", "0"),
            ("cms.sitemap_part_size", "50001"),
            ("cms.page_cache_size", "0"),
        ],
    )
    def test_a_number_out_of_its_bounds_is_named(self, key, text):
        with pytest.raises(ValueError, match=key.replace(".", r"\.")):
            load_settings({**MINIMAL, key: text}, environ={})

    @pytest.mark.parametrize("text", ["ture", "yes please", "2"])
    def test_secure_cookies_neither_on_nor_off(self, text):
        # A typo must not turn the Secure flag of the session cookie off.
        with pytest.raises(ValueError, match=r"cms\.secure_cookies"):
            load_settings({**MINIMAL, "cms.secure_cookies": text}, environ={})


@pytest.mark.parametrize(
    ("ini", "cached"), [("production.ini", True), ("development.ini", False)]
)
def test_the_page_cache_is_on_in_production_and_off_in_development(ini, cached):
    from pathlib import Path

    from pyramid.paster import get_appsettings

    path = Path(__file__).parents[2] / ini
    given = dict(get_appsettings(str(path)))
    settings = load_settings({**given, **MINIMAL}, environ={})
    assert settings["cms.page_cache"] is cached


class TestObservabilitySettings:
    def test_logs_are_text_and_metrics_for_this_machine_by_default(self):
        settings = load_settings(MINIMAL, environ={})
        assert settings["cms.log_format"] == "text"
        assert [str(net) for net in settings["cms.metrics_allow"]] == [
            "127.0.0.1/32",
            "::1/128",
        ]

    def test_the_environment_gives_them(self):
        settings = load_settings(
            MINIMAL,
            environ={"CMS_LOG_FORMAT": "JSON", "CMS_METRICS_ALLOW": "10.1.0.0/16"},
        )
        assert settings["cms.log_format"] == "json"
        assert [str(net) for net in settings["cms.metrics_allow"]] == ["10.1.0.0/16"]

    def test_an_unknown_log_format_stops_the_start(self):
        with pytest.raises(ValueError, match=r"cms\.log_format must be text or json"):
            load_settings(MINIMAL, environ={"CMS_LOG_FORMAT": "xml"})

    def test_a_bad_address_names_the_metrics_setting(self):
        with pytest.raises(ValueError, match=r"cms\.metrics_allow: 'nowhere'"):
            load_settings(
                {**MINIMAL, "cms.metrics_allow": "127.0.0.1 nowhere"}, environ={}
            )

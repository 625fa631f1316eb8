# Varnish 7 in front of one cms process: anonymous pages and JSON are kept
# as long as the site's s-maxage says (cms.shared_max_age, never past a
# schedule moment); the site bans itself after every write (cms.purge_urls).
# Everything that is someone's (a session, a token) or a write goes through.
#
#   varnishd -a 127.0.0.1:6081 -f /etc/varnish/default.vcl -s malloc,256m
#
# Write the address of the site's process below (BACKEND_PORT: the port of
# `pserve production.ini http_port=PORT`).
vcl 4.1;

import std;

backend default {
    .host = "127.0.0.1";
    .port = "BACKEND_PORT";
    # Only to know when to serve a little past the lifetime (grace): sick
    # after 3 s without an answer, well again at the first one.
    .probe = {
        .url = "/healthz";
        .interval = 1s;
        .timeout = 1s;
        .window = 3;
        .threshold = 1;
        .initial = 1;
    }
}

# Who may ban: the site's processes (add their addresses).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # The metrics are for the machine's own scraper, which asks a process
    # directly: through the cache every client would come from this
    # machine's address, which cms.metrics_allow lets in.
    if (req.url ~ "^/metrics(\?|$)") {
        return (synth(404, "Not Found"));
    }
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        # Every answer of the site's host (X-Ban-Host), else of every host.
        if (req.http.X-Ban-Host) {
            ban("obj.http.X-Cache-Host == " + std.tolower(req.http.X-Ban-Host));
        } else {
            ban("obj.status != 0");
        }
        return (synth(200, "Banned"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Someone's: a token, the session, or a message waiting for them.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;)\s*(cms_session|cms_flash)=") {
        return (pass);
    }
    # A GET with a body is an integrator's (cms.responses.wants_json).
    if (req.http.Content-Type) {
        return (pass);
    }
    # Other cookies (analytics) mean nothing to the site: all readers share.
    unset req.http.Cookie;
    set req.http.Host = std.tolower(req.http.Host);
    # One URL answers HTML or JSON (Vary: Accept): two variants, not one per
    # browser. As the site decides for an anonymous reader: JSON only when
    # it is preferred to HTML. Accept headers that name JSON among others
    # are left to the site to weigh, uncached.
    if (req.http.Accept ~ "(?i)^\s*application/json\s*(;\s*charset=[^,;]*)?\s*$") {
        set req.http.Accept = "application/json";
    } elsif (req.http.Accept !~ "(?i)(json|application/\*)") {
        set req.http.Accept = "text/html";
    } else {
        return (pass);
    }
    # Past their lifetime, answers are served (grace) only while the site
    # is down: a page must not outlive a schedule moment it was kept for.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 0s;
    }
    return (hash);
}

sub vcl_pass {
    set req.http.X-Cache = "PASS";
}

sub vcl_backend_fetch {
    unset bereq.http.X-Cache;
}

sub vcl_backend_response {
    # What a ban of the host matches (lurker-friendly: on the object).
    set beresp.http.X-Cache-Host = std.tolower(bereq.http.Host);
    # Only what the site says shared caches may keep: s-maxage (or a
    # max-age, for static files), no cookie, nothing private.
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control !~ "(?i)(s-maxage|max-age)=[1-9]"
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    set beresp.grace = 2m;
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.X-Cache-Host;
    if (req.http.X-Cache == "PASS") {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}

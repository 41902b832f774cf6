# Varnish in front of the newsroom's web servers (issue 17).
#
# What it keeps: what the site says a shared cache may keep (Cache-Control
# public with s-maxage or max-age, no Set-Cookie, nothing private, no-store or
# no-cache), for as long as s-maxage says: the page cache's own lifetime,
# which ends at the next scheduled story's minute, so such a story appears
# through Varnish at its minute. Never the admin, nor a request from someone
# signed in (the session cookie), nor anything but GET and HEAD.
#
# How a change reaches it: each page names the content keys it was built from
# in Surrogate-Key (core/cache.py); they are kept as the object's xkeys, and
# the site's task queue sends `PURGE /` with `xkey-purge: key1 key2 ...`
# (core/purgers.py, PURGE_URLS=varnish://host:port), from the addresses in
# the `purgers` ACL only, which forgets exactly the objects carrying a key.
#
# Run varnishd with `-p http_gzip_support=off`: the site compresses with
# Brotli or gzip itself (core/compression.py), and Varnish's own gzip handling
# would ask it for gzip only.
#
# The web servers are in backends.vcl, found on varnishd's vcl_path: one
# `backend` each and `sub newsroom_backend`, which picks one for a request.

vcl 4.1;

import std;
import xkey;

include "backends.vcl";

# Who may purge: the site's own containers and this machine.
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the keys to purge in xkey-purge"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
    }

    call newsroom_backend;

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/admin(/|$)") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);  # someone signed in: never a shared copy
    }
    # Readers' pages are the same whatever cookies come with them.
    unset req.http.Cookie;
    unset req.http.Authorization;

    # One object per encoding the site sends (it answers Vary:
    # Accept-Encoding): Brotli, gzip or none.
    if (req.http.Accept-Encoding ~ "\bbr\b") {
        set req.http.Accept-Encoding = "br";
    } elsif (req.http.Accept-Encoding ~ "\bgzip\b") {
        set req.http.Accept-Encoding = "gzip";
    } else {
        unset req.http.Accept-Encoding;
    }
    return (hash);
}

sub vcl_hash {
    # A page asked for over HTTPS (through a TLS proxy) and over HTTP may
    # differ in its links: kept apart. The built-in vcl_hash adds the address
    # and Host.
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_backend_response {
    if (beresp.http.Set-Cookie
        || !beresp.http.Cache-Control
        || beresp.http.Cache-Control !~ "\bpublic\b"
        || beresp.http.Cache-Control ~ "\b(private|no-store|no-cache)\b"
        || beresp.http.Vary == "*") {
        # Not for a shared cache: fetch it for each request (for a while,
        # without queueing requests behind one another).
        set beresp.uncacheable = true;
        set beresp.ttl = 60s;
        return (deliver);
    }
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # Cache-Control's s-maxage (or max-age) sets the TTL; no grace, so a
    # scheduled story is not served stale past its minute.
    set beresp.grace = 0s;
    return (deliver);
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The keys are Varnish's business (with a CDN in front that purges by
    # them too, keep Surrogate-Key or Cache-Tag for it).
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    # A browser's copy lasts max-age; s-maxage was for this cache.
    if (resp.http.Cache-Control) {
        set resp.http.Cache-Control = regsub(
            resp.http.Cache-Control, ",?\s*s-maxage=\d+", "");
    }
}

sub vcl_synth {
    set resp.http.X-Cache = "SYNTH";
}

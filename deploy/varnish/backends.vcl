# The web servers of docker-compose.yml (web1, web2), taken in turn, each
# left out while its health probe fails. Adding a web server: a service in
# docker-compose.yml, a backend here, a line in newsroom_backend.

import directors;

probe newsroom_up {
    # Host: one of ALLOWED_HOSTS, or Django answers 400; the protocol a TLS
    # proxy in front would name, or HTTPS=on redirects.
    .request = "GET /robots.txt HTTP/1.1"
        "Host: localhost"
        "X-Forwarded-Proto: https"
        "Connection: close";
    .interval = 5s;
    .timeout = 2s;
    .window = 5;
    .threshold = 3;
}

backend web1 {
    .host = "web1";
    .port = "8000";
    .probe = newsroom_up;
}

backend web2 {
    .host = "web2";
    .port = "8000";
    .probe = newsroom_up;
}

sub vcl_init {
    new web = directors.round_robin();
    web.add_backend(web1);
    web.add_backend(web2);
}

sub newsroom_backend {
    set req.backend_hint = web.backend();
}

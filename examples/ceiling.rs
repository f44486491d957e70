//! The benchmark's ceiling: a minimal actix-web "hello world" built from the project (same
//! actix-web version, same release profile, same default worker count), so `scripts/bench`
//! can report every figure as a share of what the framework itself does on this machine.
//!
//! `cargo run --release --example ceiling -- 127.0.0.1:8099` (the default address). Always
//! loopback unless told otherwise; it serves `GET /` and nothing else.

use actix_web::{App, HttpResponse, HttpServer, web};

async fn hello() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("Hello, world!")
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8099".to_owned());
    HttpServer::new(|| App::new().route("/", web::get().to(hello)))
        .bind(bind)?
        .run()
        .await
}

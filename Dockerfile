# Kopiena API image.
#   docker build -t kopiena .
#   docker run -p 8080:8080 kopiena            # SQLite in /app/data
#   docker compose up --build                  # with PostgreSQL, see docker-compose.yml

# --- build ------------------------------------------------------------------
FROM rust:1.95-bookworm AS builder

# libpq for diesel's postgres feature; SQLite is compiled in (libsqlite3-sys "bundled").
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build

# Dependencies first, against stub sources, so this layer is reused until
# Cargo.toml or Cargo.lock change. (`cargo build` skips test targets, so
# tests/ is needed neither here nor below; a new [[bin]] would need a stub.)
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src \
    && echo 'fn main() {}' > src/main.rs \
    && : > src/lib.rs \
    && cargo build --release --locked \
    && cargo clean --release --locked -p kopiena \
    && rm -rf src

# The real sources. Both migration sets (migrations/postgres, migrations/sqlite)
# are embedded into the binary at compile time; build.rs watches them.
COPY build.rs ./
COPY src ./src
COPY migrations ./migrations
RUN cargo build --release --locked \
    && strip target/release/kopiena

# --- run --------------------------------------------------------------------
FROM debian:bookworm-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 kopiena \
    && useradd --system --uid 10001 --gid kopiena --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin kopiena

WORKDIR /app
# The default DATABASE_URL is sqlite://data/kopiena.db, i.e. /app/data/kopiena.db.
RUN mkdir -p /app/data && chown kopiena:kopiena /app/data

COPY --from=builder /build/target/release/kopiena /usr/local/bin/kopiena

USER kopiena
ENV KOPIENA_BIND=0.0.0.0:8080
EXPOSE 8080

ENTRYPOINT ["kopiena"]
CMD ["serve"]

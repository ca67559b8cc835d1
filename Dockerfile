# syntax=docker/dockerfile:1
#
# Sightline production image: one static binary on distroless, running as
# nonroot. Provide DATABASE_URL at run time (serve refuses to start without it);
# serve applies pending migrations on start.
#
#   docker build -t sightline .
#   docker run -p 8080:8080 -e DATABASE_URL=postgres://... sightline

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Fetch the Go release go.mod asks for if this image's is older.
ENV GOTOOLCHAIN=auto
# Dependencies first, so source edits do not re-download modules.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/sightline ./cmd/sightline

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/sightline /sightline
USER nonroot
ENV SIGHTLINE_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/sightline"]
CMD ["serve"]

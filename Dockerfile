# rtrib alone in an empty image: one static binary, nothing else (no shell, no libc, no CA
# bundle: TLS trusts the built-in webpki roots or the file given with --cacert).
#
# Build (no registry needed: FROM scratch pulls nothing):
#   scripts/build-static.sh && docker build -t rtrib .
# The .dockerignore sends only the static binary as the build context.
#
# Docker and Kubernetes inject /etc/resolv.conf and /etc/hosts at run time; rtrib reads both
# itself (search domains, ndots, the runtime's DNS server), so names resolve with no NSS.
FROM scratch
COPY target/x86_64-unknown-linux-gnu/release/rtrib /rtrib
USER 65532:65532
ENTRYPOINT ["/rtrib"]

#!/bin/sh
# A self-signed certificate for a trial or local deployment of Pantau behind nginx.
#
#   deploy/local-cert.sh [DIR]        # DIR defaults to deploy/certs (ignored by git)
#   PANTAU_TLS_HOSTNAME=pantau.example.go.id deploy/local-cert.sh
#
# Writes DIR/pantau.crt and DIR/pantau.key (readable by the owner only), valid for
# PANTAU_TLS_HOSTNAME (default localhost), localhost and 127.0.0.1. Existing files are kept, so a
# second run changes nothing. Browsers warn about a self-signed certificate; for a real deployment
# put the city's certificate and key under the same names in PANTAU_TLS_DIR instead.
set -eu

dir="${1:-$(dirname "$0")/certs}"
host="${PANTAU_TLS_HOSTNAME:-localhost}"

if [ -s "$dir/pantau.crt" ] && [ -s "$dir/pantau.key" ]; then
  echo "Sertifikat sudah ada di $dir; tidak diubah. / A certificate is already in $dir; left as it is."
  exit 0
fi

mkdir -p "$dir"
umask 077
openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 397 \
  -keyout "$dir/pantau.key" -out "$dir/pantau.crt" \
  -subj "/CN=$host" \
  -addext "subjectAltName=DNS:$host,DNS:localhost,IP:127.0.0.1" 2>/dev/null
echo "Sertifikat baru untuk $host di $dir (pantau.crt, pantau.key). / New certificate for $host in $dir."

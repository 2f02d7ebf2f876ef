# shellcheck shell=bash
# Postfix's smtp-sink, a real SMTP server that accepts every message and
# discards it: where the benches send the engine's mail, as a shop's engine
# sends it (over SMTP, not into files). Only Postfix's test programs are used;
# the mail system itself stays unconfigured and off. Sourced by the benches.

# Installs smtp-sink and smtp-source (package postfix) when missing.
ensure_smtp_sink() {
  if ! command -v smtp-sink >/dev/null || ! command -v smtp-source >/dev/null; then
    echo "postfix postfix/main_mailer_type select No configuration" | ccc_as_root debconf-set-selections
    ccc_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postfix >/dev/null
  fi
}

# start_smtp_sink PORT LOG: a sink on 127.0.0.1:PORT (256 connections at most);
# sets smtp_sink_pid.
start_smtp_sink() {
  smtp-sink -u nobody "127.0.0.1:$1" 256 >"$2" 2>&1 &
  smtp_sink_pid=$!
}

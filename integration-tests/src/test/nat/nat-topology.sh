#!/usr/bin/env bash
# NAT topology for the hole punching system test (NatTraversalIT), in network namespaces.
#
#   nat-topology.sh check                 exit 0 if it can run here (root, ip, nft), else 2 with the reason
#   nat-topology.sh up [cone|sym] [cone|sym]   build it; the NAT type of Alice's and of Bob's router
#   nat-topology.sh down                  kill what runs in the namespaces and delete them
#
#            relay ns: bridge br0 = "the internet" 10.200.0.0/24, relay at 10.200.0.10
#              |                                   |
#   rtrA wan0 10.200.0.11 (NAT)         rtrB wan0 10.200.0.12 (NAT)
#   rtrA lan0 192.168.1.1               rtrB lan0 192.168.2.1
#   alice eth0 192.168.1.2              bob eth0 192.168.2.2
#
#   pub eth0 10.200.0.20: a host on "the internet" without NAT (on br0), for AutoNAT tests
#
# cone = nftables "masquerade": the source port is kept while the 5-tuple is free, so one inside ip:port has one
# outside port for every destination (endpoint-independent mapping); conntrack admits only the exact remote ip:port
# that was contacted (port-restricted filtering). sym = "masquerade random": a random port per connection
# (endpoint-dependent mapping). Routers drop unsolicited inbound packets silently (no RST, no ICMP), as home routers
# do; a RST would kill the TCP simultaneous open. Nothing is created in the root namespace; sysctls are set only
# inside the namespaces. NAT_PREFIX (default mwnat) prefixes the namespace names. NAT_WAN (default 10.200.0) is the
# /24 of "the internet" segment: js-libp2p's DCUtR dials only addresses outside every reserved range, so its interop
# test (JsDcutrInteropIT) sets a non-reserved /24 here; the namespaces have no link to any real network.
set -euo pipefail

P=${NAT_PREFIX:-mwnat}
W=${NAT_WAN:-10.200.0}
RELAY=$P-relay RA=$P-rtrA RB=$P-rtrB ALICE=$P-alice BOB=$P-bob PUB=$P-pub
ALL="$ALICE $BOB $RA $RB $PUB $RELAY"

nsx() { timeout 10 ip netns exec "$@"; }

check() {
  [ "$(id -u)" = 0 ] || { echo "needs root (network namespaces, nftables)"; exit 2; }
  command -v ip >/dev/null || { echo "needs iproute2 (ip)"; exit 2; }
  command -v nft >/dev/null || { echo "needs nftables (nft): apt-get install nftables"; exit 2; }
  ip netns add "$P-probe" 2>/dev/null || { echo "cannot create network namespaces here"; exit 2; }
  if ! router_rules sym | nsx "$P-probe" nft -f - 2>/dev/null; then
    ip netns del "$P-probe"; echo "nftables NAT (masquerade) is not available in this kernel"; exit 2
  fi
  ip netns del "$P-probe"
}

router_rules() {   # $1 = cone|sym
  local masq=masquerade
  [ "$1" = sym ] && masq="masquerade random"
  cat <<RULES
flush ruleset
table ip nat {
  chain postrouting { type nat hook postrouting priority srcnat; policy accept; oifname "wan0" $masq; }
}
table inet fw {
  chain input {
    type filter hook input priority filter; policy drop;
    iifname "lo" accept; ct state established,related accept; iifname "lan0" accept;
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept; iifname "lan0" oifname "wan0" accept;
  }
}
RULES
}

link() {   # link <ns1> <if1> <ns2> <if2>: a veth pair that only ever exists inside the two namespaces
  timeout 10 ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
  nsx "$1" ip link set "$2" up
  nsx "$3" ip link set "$4" up
}

up() {
  local natA=${1:-cone} natB=${2:-cone}
  for n in $ALL; do
    timeout 10 ip netns add "$n"
    nsx "$n" ip link set lo up
    nsx "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  done
  nsx $RELAY ip link add br0 type bridge
  nsx $RELAY ip link set br0 up
  nsx $RELAY ip addr add $W.10/24 dev br0
  link $RELAY to-a $RA wan0
  link $RELAY to-b $RB wan0
  nsx $RELAY ip link set to-a master br0
  nsx $RELAY ip link set to-b master br0
  link $RELAY to-pub $PUB eth0
  nsx $RELAY ip link set to-pub master br0
  nsx $PUB ip addr add $W.20/24 dev eth0
  nsx $RA ip addr add $W.11/24 dev wan0
  nsx $RB ip addr add $W.12/24 dev wan0
  link $RA lan0 $ALICE eth0
  link $RB lan0 $BOB eth0
  nsx $RA ip addr add 192.168.1.1/24 dev lan0
  nsx $RB ip addr add 192.168.2.1/24 dev lan0
  nsx $ALICE ip addr add 192.168.1.2/24 dev eth0
  nsx $BOB ip addr add 192.168.2.2/24 dev eth0
  nsx $ALICE ip route add default via 192.168.1.1
  nsx $BOB ip route add default via 192.168.2.1
  for r in $RA $RB; do nsx "$r" sysctl -qw net.ipv4.ip_forward=1; done
  router_rules "$natA" | nsx $RA nft -f -
  router_rules "$natB" | nsx $RB nft -f -
  echo "up: alice behind $natA NAT, bob behind $natB NAT"
}

down() {
  for n in $ALL "$P-probe"; do
    if ip netns list | grep -qw "^$n"; then
      for pid in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns del "$n" 2>/dev/null || true
    fi
  done
}

case "${1:-}" in
  check) check ;;
  up) shift; down; up "$@" ;;
  down) down ;;
  *) echo "usage: $0 check | up [cone|sym] [cone|sym] | down" >&2; exit 1 ;;
esac

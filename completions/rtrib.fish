# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_rtrib_global_optspecs
    string join \n o/output= user= a/pass= pass-file= u/uri= tls cacert= cacertdir= cert= key= sni= insecure t/connect-timeout= command-timeout= resolve-timeout= dns-server= resolv-conf= 4 6 v/verbose q/quiet y/yes askpass force-lease lease-wait= h/help V/version
end

function __fish_rtrib_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_rtrib_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_rtrib_using_subcommand
    set -l cmd (__fish_rtrib_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c rtrib -n "__fish_rtrib_needs_command" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_needs_command" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_needs_command" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_needs_command" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_needs_command" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_needs_command" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_needs_command" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_needs_command" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_needs_command" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_needs_command" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_needs_command" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_needs_command" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_needs_command" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_needs_command" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_needs_command" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_needs_command" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_needs_command" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_needs_command" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_needs_command" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_needs_command" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_needs_command" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_needs_command" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_needs_command" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_needs_command" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_needs_command" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_needs_command" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "create" -d 'Create a cluster from empty nodes, given by name or address; safe to re-run'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "reconcile" -d 'Make the cluster match the nodes given: new ones join, missing ones leave; safe to re-run'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "replicate" -d 'Attach an empty node as a replica of a master (redis-trib.py\'s spelling)'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "failover" -d 'Hand a master\'s slots to a replica before the master stops (coordinated, no write lost)'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "rebalance-roles" -d 'Restore create\'s role placement after failovers: masters spread, replicas off their host'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "add-node" -d 'Add an empty node to a cluster, as a master or as a replica'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "del-node" -d 'Remove a node from the cluster (with --force: a dead or unreachable one too)'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "forget" -d 'Make every live node forget a node (dead, unreachable or noaddr); same as del-node --force'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "reshard" -d 'Move N slots (and their keys) to a master, from some or all of the others'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "rebalance" -d 'Even out the slots between masters, or what they hold (--by keys), by weight'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "fix" -d 'Repair open slots, uncovered slots and multiple owners, losing no key'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "apply" -d 'Carry out a plan written by --plan-out, exactly, or refuse if the cluster changed'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "heal" -d 'Re-join nodes after restarts gave them new IP addresses; a no-op on a healthy cluster'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "wait" -d 'Block until the nodes answer and are cluster-enabled (or the cluster state is ok)'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "check" -d 'Check the cluster\'s health: slot agreement, open slots, coverage, failing nodes'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "info" -d 'Show each master\'s keys, memory, slots and replicas, and where the keys pile up'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "call" -d 'Run a command on every node concurrently and print each node\'s reply'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "import" -d 'Move (or copy) the keys of a standalone Redis, or of another cluster, into the cluster'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "backup" -d 'Save an RDB of every shard into a directory, all shards at once, each file verified'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "restore" -d 'Restore RDB files (a backup directory, or one dump.rdb) into a cluster of any shape'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "set-timeout" -d 'Set cluster-node-timeout on every node (CONFIG SET and CONFIG REWRITE)'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "sandbox" -d 'Start a local cluster of redis-server processes to try rtrib on (`sandbox stop` ends it)'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "copy-binary" -d 'Copy this rtrib binary into DIR (for a Kubernetes init container; see docs/kubernetes.md)'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c rtrib -n "__fish_rtrib_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l from-dns -d 'The nodes are the addresses of this name, on this port: a Kubernetes headless Service (redis-service.dev.svc.cluster.local:6379) or Swarm\'s tasks.<service>:6379' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l from-srv -d 'The nodes are the targets of this name\'s SRV records (_redis._tcp.redis-service.dev.svc.cluster.local), with their ports' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l expect -d 'Wait (up to --resolve-timeout) until exactly N nodes are found; more is an error' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l replicas -l cluster-replicas -d 'Replicas per master; masters = nodes / (replicas + 1)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l host-of -d 'Failure domain of a node (e.g. the Kubernetes node a pod runs on): replicas are kept out of their master\'s domain. NAME is a NODE as given, its host, or its IP. Repeatable. Unlabelled nodes are grouped by IP address' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l wait-timeout -d 'How long to wait for the nodes to join and the cluster to become usable' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l plan-out -d 'Write the plan to FILE and change nothing: a JSON document with the cluster as found and the steps (docs/plans.md), to review and carry out later with `rtrib apply FILE`' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l allow-few-masters -d 'Allow a cluster of fewer than 3 masters (no automatic failover)'
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l dry-run -d 'Print the plan and change nothing'
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l wait-sync -d 'Also wait until every replica has finished its first sync with its master'
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand create" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l from-dns -d 'The nodes are the addresses of this name, on this port: a Kubernetes headless Service (redis-service.dev.svc.cluster.local:6379) or Swarm\'s tasks.<service>:6379' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l from-srv -d 'The nodes are the targets of this name\'s SRV records (_redis._tcp.redis-service.dev.svc.cluster.local), with their ports' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l expect -d 'Wait (up to --resolve-timeout) until exactly N nodes are found; more is an error' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l replicas -l cluster-replicas -d 'Replicas per master; masters = nodes / (replicas + 1)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l host-of -d 'Failure domain of a node (e.g. the Kubernetes node a pod runs on): replicas are kept out of their master\'s domain. NAME is a NODE as given, its host, or its IP. Repeatable. Unlabelled nodes are grouped by IP address' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l wait-timeout -d 'How long to wait for the nodes to join and the cluster to become usable' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l plan-out -d 'Write the plan to FILE and change nothing: a JSON document with the cluster as found and the steps (docs/plans.md), to review and carry out later with `rtrib apply FILE`' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l migration -d 'How slots move: `auto` moves whole slots where every source and target has atomic slot migration (Valkey 9.0+), else key by key; `atomic` insists; `keys` moves keys everywhere' -r -f -a "auto\t'atomic where every source and target has it, else keys'
atomic\t'the servers move whole slots (Valkey 9.0+)'
keys\t'SETSLOT and MIGRATE of the keys in batches (every server)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l by -d 'What each master should get its share of: the slot count, or what the slots hold (read from every master, as rebalance --by reads it). Give the same on every run' -r -f -a "slots\t'slot counts (redis-cli\'s rebalance)'
keys\t'keys per slot (CLUSTER SLOT-STATS or COUNTKEYSINSLOT)'
memory\t'bytes per slot, estimated by sampling MEMORY USAGE'
cpu\t'CPU time per slot (Valkey 8+, cluster-slot-stats-enabled yes)'
network\t'network bytes per slot (Valkey 8+, cluster-slot-stats-enabled yes)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l allow-few-masters -d 'Allow a cluster of fewer than 3 masters (no automatic failover)'
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l dry-run -d 'Print the plan and change nothing'
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l wait-sync -d 'Also wait until every replica has finished its first sync with its master'
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l force -d 'Forget a leaving node that is gone even though it still serves slots no replica took over: they are left uncovered, for rtrib fix'
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand reconcile" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l master-addr -d 'The master to replicate' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l slave-addr -l replica-addr -d 'The empty node that becomes its replica' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l wait-timeout -d 'How long to wait for the join and for every node to see the new replica' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand replicate" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l from -d 'Hand this master\'s slots to its best replica; a replica or a master without slots: nothing to do' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l to -d 'Promote this replica' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l host-of -d 'Failure domain of a node, as for create: --from prefers a replica outside the master\'s' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l wait-timeout -d 'How long to wait for the replica to take over and every node to agree' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l force -d 'With --to: promote without the master (it is unreachable); writes it had not passed on are lost'
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l takeover -d 'With --to: promote without the master and without an election (no majority reachable); risks two masters for the same slots in a partition'
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand failover" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l host-of -d 'Failure domain of a node (e.g. the Kubernetes node a pod runs on), as for create. Repeatable; unlabelled nodes are grouped by IP address' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l wait-timeout -d 'How long to wait for all the steps and for every node to agree' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l plan-out -d 'Write the plan to FILE and change nothing: a JSON document with the cluster as found and the steps (docs/plans.md), to review and carry out later with `rtrib apply FILE`' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l dry-run -d 'Print the plan and change nothing'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance-roles" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l master-id -l cluster-master-id -l cluster-primary-id -d 'The master to replicate: its ID, an ID prefix (6+ characters) or its address' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l wait-timeout -d 'How long to wait until every node knows the new node' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l replica -l slave -l cluster-slave -l cluster-replica -d 'Add it as a replica (of --master-id, else of the master with the fewest replicas, preferring one on another host)'
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand add-node" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l wait-timeout -d 'How long to keep forgetting it until gossip can no longer bring it back' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l plan-out -d 'Write the plan to FILE and change nothing: a JSON document with the cluster as found and the steps (docs/plans.md), to review and carry out later with `rtrib apply FILE`' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l force -d 'Remove it even though it is dead, unreachable or has no address (it is only forgotten)'
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand del-node" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l wait-timeout -d 'How long to keep forgetting it until gossip can no longer bring it back' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l plan-out -d 'Write the plan to FILE and change nothing: a JSON document with the cluster as found and the steps (docs/plans.md), to review and carry out later with `rtrib apply FILE`' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l force -d 'Forget it even though it is alive and healthy (as del-node removes it)'
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand forget" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l from -l cluster-from -d 'The masters that give slots: IDs, ID prefixes (6+ characters) or addresses, comma-separated, or `all` (every master but the destination)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l to -l cluster-to -d 'The master that receives them: ID, ID prefix or address' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l slots -l cluster-slots -d 'How many slots to move (exactly), 1 or more' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l plan-out -d 'Write the plan to FILE and change nothing: a JSON document with the cluster as found and the steps (docs/plans.md), to review and carry out later with `rtrib apply FILE`' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l timeout -l cluster-timeout -d 'MIGRATE\'s timeout for the source to destination I/O of one batch: 5s, 500ms, or a bare number of milliseconds as redis-cli\'s --cluster-timeout' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l pipeline -l cluster-pipeline -d 'Keys per GETKEYSINSLOT / MIGRATE batch' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l parallel -d 'Slots moved at once (over all source/destination pairs), in up to 4 groups of one source and destination whose commands share round trips, over one connection per node each; on Valkey 8 or later, whose SETSLOT waits for the replicas, each slot is a group of its own (up to SLOTS connections per node). Lower it when keys are very large, as every MIGRATE blocks its source while it runs' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l wait-timeout -d 'How long to wait, once the slots have moved, until every node (replicas too) agrees on their new owners; longer exits 4 naming the nodes that lag' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l migration -d 'How slots move: `auto` lets the servers move whole slots (atomic slot migration, CLUSTER MIGRATESLOTS) when every source and target runs Valkey 9.0 or later, and moves them key by key (MIGRATE) otherwise; `atomic` insists (refused, nothing changed, where a server lacks it); `keys` moves keys on every server. --timeout, --pipeline, --parallel and --replace apply to `keys` only' -r -f -a "auto\t'atomic where every source and target has it, else keys'
atomic\t'the servers move whole slots (Valkey 9.0+)'
keys\t'SETSLOT and MIGRATE of the keys in batches (every server)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l dry-run -d 'Print the plan and change nothing'
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l replace -l cluster-replace -d 'Overwrite keys that already exist on the destination (otherwise such a slot is left open and the command exits 1)'
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l cluster-use-atomic-slot-migration -d 'valkey-cli\'s spelling of `--migration atomic`'
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand reshard" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l weight -l cluster-weight -d 'A master\'s weight (default 1): ID, ID prefix or address `=W`. 0 drains the master. Repeatable, or several after one flag as redis-cli takes them' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l by -d 'What to even out: slot counts (redis-cli\'s algorithm), or what the slots hold' -r -f -a "slots\t'slot counts (redis-cli\'s rebalance)'
keys\t'keys per slot (CLUSTER SLOT-STATS or COUNTKEYSINSLOT)'
memory\t'bytes per slot, estimated by sampling MEMORY USAGE'
cpu\t'CPU time per slot (Valkey 8+, cluster-slot-stats-enabled yes)'
network\t'network bytes per slot (Valkey 8+, cluster-slot-stats-enabled yes)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l threshold -l cluster-threshold -d 'Rebalance only when a master is off its share (of the --by measure) by more than this percentage (0: when any is off by a slot)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l plan-out -d 'Write the plan to FILE and change nothing: a JSON document with the cluster as found and the steps (docs/plans.md), to review and carry out later with `rtrib apply FILE`' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l timeout -l cluster-timeout -d 'MIGRATE\'s timeout for the source to destination I/O of one batch: 5s, 500ms, or a bare number of milliseconds as redis-cli\'s --cluster-timeout' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l pipeline -l cluster-pipeline -d 'Keys per GETKEYSINSLOT / MIGRATE batch' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l parallel -d 'Slots moved at once (over all source/destination pairs), in up to 4 groups of one source and destination whose commands share round trips, over one connection per node each; on Valkey 8 or later, whose SETSLOT waits for the replicas, each slot is a group of its own (up to SLOTS connections per node). Lower it when keys are very large, as every MIGRATE blocks its source while it runs' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l wait-timeout -d 'How long to wait, once the slots have moved, until every node (replicas too) agrees on their new owners; longer exits 4 naming the nodes that lag' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l migration -d 'How slots move: `auto` lets the servers move whole slots (atomic slot migration, CLUSTER MIGRATESLOTS) when every source and target runs Valkey 9.0 or later, and moves them key by key (MIGRATE) otherwise; `atomic` insists (refused, nothing changed, where a server lacks it); `keys` moves keys on every server. --timeout, --pipeline, --parallel and --replace apply to `keys` only' -r -f -a "auto\t'atomic where every source and target has it, else keys'
atomic\t'the servers move whole slots (Valkey 9.0+)'
keys\t'SETSLOT and MIGRATE of the keys in batches (every server)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l use-empty-masters -l cluster-use-empty-masters -l cluster-use-empty-primaries -d 'Give slots to masters that serve none too'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l auto-weights -d 'Accepted for redis-trib.rb scripts and ignored (it never did anything there either)'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l simulate -l cluster-simulate -l dry-run -d 'Print the plan and change nothing'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l replace -l cluster-replace -d 'Overwrite keys that already exist on the destination (otherwise such a slot is left open and the command exits 1)'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l cluster-use-atomic-slot-migration -d 'valkey-cli\'s spelling of `--migration atomic`'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand rebalance" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l plan-out -d 'Write the plan to FILE and change nothing: a JSON document with the cluster as found and the steps (docs/plans.md), to review and carry out later with `rtrib apply FILE`' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l timeout -l cluster-timeout -d 'MIGRATE\'s timeout for the source to destination I/O of one batch: 5s, 500ms, or a bare number of milliseconds as redis-cli\'s --cluster-timeout' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l pipeline -l cluster-pipeline -d 'Keys per GETKEYSINSLOT / MIGRATE batch' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l parallel -d 'Slots moved at once (over all source/destination pairs), in up to 4 groups of one source and destination whose commands share round trips, over one connection per node each; on Valkey 8 or later, whose SETSLOT waits for the replicas, each slot is a group of its own (up to SLOTS connections per node). Lower it when keys are very large, as every MIGRATE blocks its source while it runs' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l wait-timeout -d 'How long to wait, once the slots have moved, until every node (replicas too) agrees on their new owners; longer exits 4 naming the nodes that lag' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l migration -d 'How slots move: `auto` lets the servers move whole slots (atomic slot migration, CLUSTER MIGRATESLOTS) when every source and target runs Valkey 9.0 or later, and moves them key by key (MIGRATE) otherwise; `atomic` insists (refused, nothing changed, where a server lacks it); `keys` moves keys on every server. --timeout, --pipeline, --parallel and --replace apply to `keys` only' -r -f -a "auto\t'atomic where every source and target has it, else keys'
atomic\t'the servers move whole slots (Valkey 9.0+)'
keys\t'SETSLOT and MIGRATE of the keys in batches (every server)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l search-multiple-owners -l cluster-search-multiple-owners -d 'Also repair slots in which a master that does not serve them holds keys (reads every master\'s key count in all 16384 slots, as always; this only widens what is repaired)'
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l force -l cluster-fix-with-unreachable-masters -l cluster-fix-with-unreachable-primaries -d 'Repair even while masters serving slots are unreachable: their slots are taken as uncovered and reassigned to reachable masters (their keys are not moved)'
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l replace -l cluster-replace -d 'Overwrite keys that already exist on the destination (otherwise such a slot is left open and the command exits 1)'
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l cluster-use-atomic-slot-migration -d 'valkey-cli\'s spelling of `--migration atomic`'
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand fix" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l node -d 'Read the cluster from this node instead of the one the plan was made from' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l timeout -l cluster-timeout -d 'MIGRATE\'s timeout for the source to destination I/O of one batch: 5s, 500ms, or a bare number of milliseconds as redis-cli\'s --cluster-timeout' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l pipeline -l cluster-pipeline -d 'Keys per GETKEYSINSLOT / MIGRATE batch' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l parallel -d 'Slots moved at once (over all source/destination pairs), in up to 4 groups of one source and destination whose commands share round trips, over one connection per node each; on Valkey 8 or later, whose SETSLOT waits for the replicas, each slot is a group of its own (up to SLOTS connections per node). Lower it when keys are very large, as every MIGRATE blocks its source while it runs' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l wait-timeout -d 'How long to wait, once the slots have moved, until every node (replicas too) agrees on their new owners; longer exits 4 naming the nodes that lag' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l migration -d 'How slots move: `auto` lets the servers move whole slots (atomic slot migration, CLUSTER MIGRATESLOTS) when every source and target runs Valkey 9.0 or later, and moves them key by key (MIGRATE) otherwise; `atomic` insists (refused, nothing changed, where a server lacks it); `keys` moves keys on every server. --timeout, --pipeline, --parallel and --replace apply to `keys` only' -r -f -a "auto\t'atomic where every source and target has it, else keys'
atomic\t'the servers move whole slots (Valkey 9.0+)'
keys\t'SETSLOT and MIGRATE of the keys in batches (every server)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l dry-run -d 'Print where the cluster stands and the steps left, and change nothing'
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l wait-sync -d 'Also wait, for a create plan, until every replica has finished its first sync'
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l replace -l cluster-replace -d 'Overwrite keys that already exist on the destination (otherwise such a slot is left open and the command exits 1)'
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l cluster-use-atomic-slot-migration -d 'valkey-cli\'s spelling of `--migration atomic`'
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand apply" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l from-dns -d 'The nodes are the addresses of this name, on this port: a Kubernetes headless Service (redis-service.dev.svc.cluster.local:6379) or Swarm\'s tasks.<service>:6379' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l from-srv -d 'The nodes are the targets of this name\'s SRV records (_redis._tcp.redis-service.dev.svc.cluster.local), with their ports' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l expect -d 'Wait (up to --resolve-timeout) until exactly N nodes are found; more is an error' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l wait-timeout -d 'How long to wait for the nodes to see each other again' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l forget-ghosts -d 'Also forget failed entries that match none of the nodes given (ghosts of old addresses or removed pods)'
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand heal" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l for -d 'What to wait for' -r -f -a "ready\t'Every node answers PING and is cluster-enabled'
cluster-ok\t'Every node reports cluster_state:ok'"
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l timeout -d 'Give up after this long (exit 4)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand wait" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l from-dns -d 'The nodes are the addresses of this name, on this port: a Kubernetes headless Service (redis-service.dev.svc.cluster.local:6379) or Swarm\'s tasks.<service>:6379' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l from-srv -d 'The nodes are the targets of this name\'s SRV records (_redis._tcp.redis-service.dev.svc.cluster.local), with their ports' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l expect -d 'Wait (up to --resolve-timeout) until exactly N nodes are found; more is an error' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l textfile -d 'Write the metrics (implies -o prometheus) to this file instead of stdout, atomically: for node_exporter\'s textfile collector (name it *.prom in its directory)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l search-multiple-owners -l cluster-search-multiple-owners -d 'Also look for slots that hold keys on more than one master (one pipelined scan of the 16384 slots per master)'
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand check" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l textfile -d 'Write the metrics (implies -o prometheus) to this file instead of stdout, atomically' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l by -d 'The measure of the bar per master and of the heaviest slots' -r -f -a "slots\t'slot counts (redis-cli\'s rebalance)'
keys\t'keys per slot (CLUSTER SLOT-STATS or COUNTKEYSINSLOT)'
memory\t'bytes per slot, estimated by sampling MEMORY USAGE'
cpu\t'CPU time per slot (Valkey 8+, cluster-slot-stats-enabled yes)'
network\t'network bytes per slot (Valkey 8+, cluster-slot-stats-enabled yes)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l top -d 'How many of the heaviest slots to list' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l by-slot -l slots -d 'Also list every slot\'s figures (keys, and memory, CPU and network when read); in JSON, `slots[]` holds all 16384'
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l summary -d 'Print only redis-cli\'s lines: one per master (`ADDR (ID...) -> N keys | M slots | R slaves.`) and the totals; `rtrib --cluster info` prints these. Text output only'
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand info" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -s X -d 'Send stdin in place of the argument TAG, as redis-cli\'s -X TAG' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l only-masters -l cluster-only-masters -l cluster-only-primaries -d 'Only masters'
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l only-replicas -l cluster-only-replicas -d 'Only replicas'
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -s x -d 'Read the command\'s last argument from stdin, as redis-cli\'s -x'
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand call" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l from -l cluster-from -d 'The standalone Redis to read the keys from, by name or address; or any node of another cluster, whose masters are all read' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l from-user -l cluster-from-user -d 'ACL user name for the source (the cluster\'s --user is not used for it)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l from-pass -l cluster-from-pass -d 'Password for the source. Prefer --from-pass-file or RTRIB_FROM_PASS: arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l from-pass-file -d 'Read the source\'s password from this file; trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l from-db -d 'The source\'s database to import' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l timeout -l cluster-timeout -d 'MIGRATE\'s I/O timeout: 5s, 500ms, or a bare number of milliseconds as redis-cli\'s --cluster-timeout' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l wait-timeout -d 'How long to wait, at the end, until every node\'s view of the cluster agrees; longer exits 4 naming the nodes that lag' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l copy -l cluster-copy -d 'Copy the keys: the source keeps them (by default MIGRATE deletes them from the source)'
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l replace -l cluster-replace -d 'Overwrite keys that already exist in the cluster (by default they are left alone and reported)'
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l from-askpass -l cluster-from-askpass -d 'Ask for the source\'s password on the terminal, without echo; an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l from-tls -d 'Connect to the source with the cluster\'s TLS settings (by default the source is plaintext, whatever the cluster speaks)'
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand import" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l from -d 'Read each shard from its master, or from one of its replicas (keeps the fork and the transfer off the masters; a master without a healthy, reachable replica is refused)' -r -f -a "masters\t'each master, as redis-cli does'
replicas\t'one replica of each master'"
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l master-if-no-replica -d 'With --from replicas: read a master that has no usable replica from the master itself instead of refusing'
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand backup" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l db -d 'The database of the source to restore (a cluster serves database 0); keys of other databases are refused unless this picks one' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l replace -d 'Overwrite keys the cluster already has (RESTORE ... REPLACE), and function libraries of the same name'
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l skip-existing -d 'Keep the keys (and function libraries) the cluster already has; restore the others'
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l dry-run -d 'Read the source and report what would be restored, converted or refused; write nothing'
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand restore" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand set-timeout" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l nodes -d 'How many nodes' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l replicas -d 'Replicas per master' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l base-port -d 'Port of the first node; the others follow (their bus ports are port + 10000)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l dir -d 'Where the nodes keep their files (default: a directory in the system\'s temp dir named after the base port)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand sandbox" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand copy-binary" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text, in the shape redis-cli prints'
json\t'One JSON document on stdout'
prometheus\t'Prometheus metrics in the text exposition format (check and info only)'"
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l user -d 'ACL user name for AUTH (default: the default user)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -s a -l pass -d 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH environment variables (in that order of precedence after this option and -u): arguments are visible to other users of the machine' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l pass-file -d 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -s u -l uri -d 'redis-cli\'s -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its user, password and scheme are used (the nodes are the command\'s arguments), as by redis-cli with --cluster; --user and --pass take precedence' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l cacert -d 'Verify the nodes\' certificates with this CA bundle (PEM) instead of the built-in public roots' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l cacertdir -d 'Verify the nodes\' certificates with the CA certificates (PEM files) in this directory instead of the built-in public roots; with --cacert, with both' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l cert -d 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l key -d 'The client certificate\'s private key (PEM)' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l sni -d 'Server name to send (SNI) and verify when a node\'s host name is not known (by default the name it was given by, else its IP address)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -s t -l connect-timeout -d 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is seconds, as valkey-cli\'s -t, and 0 no limit)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l command-timeout -d 'How long to wait for each command\'s reply' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l resolve-timeout -d 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l dns-server -d 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l resolv-conf -d 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf' -r -F
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l lease-wait -d 'While another rtrib holds the cluster\'s lease, wait for it up to this long (e.g. 2m) instead of refusing at once: for hooks that may meet each other (two pods\' preStop failovers during a node drain, a reconcile Job and a rollout)' -r
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l tls -d 'Connect to the nodes with TLS (implied by the other TLS options)'
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l insecure -d 'Do not verify the nodes\' certificates (testing only: anyone can pretend to be a node)'
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -s 4 -d 'Resolve host names to IPv4 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -s 6 -d 'Resolve host names to IPv6 addresses only'
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -s v -l verbose -d 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -s q -l quiet -d 'No progress on stderr: neither the bar (on a terminal) nor the progress lines (without one), nor the notices of what rtrib waits for. Errors and warnings still show'
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -s y -l yes -l cluster-yes -d 'Answer yes to the confirmation of create, reshard, rebalance and fix (also REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask'
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l askpass -d 'Ask for the password on the terminal, without echo (redis-cli\'s --askpass); an error without a terminal'
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -l force-lease -d 'Go on although another rtrib holds the cluster\'s lease (it is changing the cluster), with a warning naming it: only for a holder stopped for good'
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rtrib -n "__fish_rtrib_using_subcommand completions" -s V -l version -d 'Print version'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "create" -d 'Create a cluster from empty nodes, given by name or address; safe to re-run'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "reconcile" -d 'Make the cluster match the nodes given: new ones join, missing ones leave; safe to re-run'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "replicate" -d 'Attach an empty node as a replica of a master (redis-trib.py\'s spelling)'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "failover" -d 'Hand a master\'s slots to a replica before the master stops (coordinated, no write lost)'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "rebalance-roles" -d 'Restore create\'s role placement after failovers: masters spread, replicas off their host'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "add-node" -d 'Add an empty node to a cluster, as a master or as a replica'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "del-node" -d 'Remove a node from the cluster (with --force: a dead or unreachable one too)'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "forget" -d 'Make every live node forget a node (dead, unreachable or noaddr); same as del-node --force'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "reshard" -d 'Move N slots (and their keys) to a master, from some or all of the others'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "rebalance" -d 'Even out the slots between masters, or what they hold (--by keys), by weight'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "fix" -d 'Repair open slots, uncovered slots and multiple owners, losing no key'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "apply" -d 'Carry out a plan written by --plan-out, exactly, or refuse if the cluster changed'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "heal" -d 'Re-join nodes after restarts gave them new IP addresses; a no-op on a healthy cluster'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "wait" -d 'Block until the nodes answer and are cluster-enabled (or the cluster state is ok)'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "check" -d 'Check the cluster\'s health: slot agreement, open slots, coverage, failing nodes'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "info" -d 'Show each master\'s keys, memory, slots and replicas, and where the keys pile up'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "call" -d 'Run a command on every node concurrently and print each node\'s reply'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "import" -d 'Move (or copy) the keys of a standalone Redis, or of another cluster, into the cluster'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "backup" -d 'Save an RDB of every shard into a directory, all shards at once, each file verified'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "restore" -d 'Restore RDB files (a backup directory, or one dump.rdb) into a cluster of any shape'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "set-timeout" -d 'Set cluster-node-timeout on every node (CONFIG SET and CONFIG REWRITE)'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "sandbox" -d 'Start a local cluster of redis-server processes to try rtrib on (`sandbox stop` ends it)'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "copy-binary" -d 'Copy this rtrib binary into DIR (for a Kubernetes init container; see docs/kubernetes.md)'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c rtrib -n "__fish_rtrib_using_subcommand help; and not __fish_seen_subcommand_from create reconcile replicate failover rebalance-roles add-node del-node forget reshard rebalance fix apply heal wait check info call import backup restore set-timeout sandbox copy-binary completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'

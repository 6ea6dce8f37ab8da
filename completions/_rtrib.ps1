
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'rtrib' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'rtrib'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'rtrib' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name for AUTH (default: the default user)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass-file', '--pass-file', [CompletionResultType]::ParameterName, 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Verify the nodes'' certificates with this CA bundle (PEM) instead of the built-in public roots')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The client certificate''s private key (PEM)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and verify when a node''s host name is not known (by default the name it was given by, else its IP address)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each command''s reply')
            [CompletionResult]::new('--resolve-timeout', '--resolve-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given')
            [CompletionResult]::new('--resolv-conf', '--resolv-conf', [CompletionResultType]::ParameterName, 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect to the nodes with TLS (implied by the other TLS options)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates (testing only: anyone can pretend to be a node)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Resolve host names to IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Resolve host names to IPv6 addresses only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a cluster from empty nodes, given by name or address; safe to re-run')
            [CompletionResult]::new('replicate', 'replicate', [CompletionResultType]::ParameterValue, 'Attach an empty node as a replica of a master (redis-trib.py''s spelling)')
            [CompletionResult]::new('add-node', 'add-node', [CompletionResultType]::ParameterValue, 'Add an empty node to a cluster, as a master or as a replica')
            [CompletionResult]::new('del-node', 'del-node', [CompletionResultType]::ParameterValue, 'Remove a node from the cluster (with --force: a dead or unreachable one too)')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Make every live node forget a node (dead, unreachable or noaddr); same as del-node --force')
            [CompletionResult]::new('heal', 'heal', [CompletionResultType]::ParameterValue, 'Re-join nodes after restarts gave them new IP addresses; a no-op on a healthy cluster')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Block until the nodes answer and are cluster-enabled (or the cluster state is ok)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the cluster''s health: slot agreement, open slots, coverage, failing nodes')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show each master''s keys, slots and replicas')
            [CompletionResult]::new('call', 'call', [CompletionResultType]::ParameterValue, 'Run a command on every node concurrently and print each node''s reply')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Move (or copy) the keys of a standalone Redis into the cluster''s masters')
            [CompletionResult]::new('set-timeout', 'set-timeout', [CompletionResultType]::ParameterValue, 'Set cluster-node-timeout on every node (CONFIG SET and CONFIG REWRITE)')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Start a local cluster of redis-server processes to try rtrib on (`sandbox stop` ends it)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rtrib;create' {
            [CompletionResult]::new('--from-dns', '--from-dns', [CompletionResultType]::ParameterName, 'The nodes are the addresses of this name, on this port: a Kubernetes headless Service (redis-service.dev.svc.cluster.local:6379) or Swarm''s tasks.<service>:6379')
            [CompletionResult]::new('--from-srv', '--from-srv', [CompletionResultType]::ParameterName, 'The nodes are the targets of this name''s SRV records (_redis._tcp.redis-service.dev.svc.cluster.local), with their ports')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Wait (up to --resolve-timeout) until exactly N nodes are found; more is an error')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Replicas per master; masters = nodes / (replicas + 1)')
            [CompletionResult]::new('--cluster-replicas', '--cluster-replicas', [CompletionResultType]::ParameterName, 'Replicas per master; masters = nodes / (replicas + 1)')
            [CompletionResult]::new('--host-of', '--host-of', [CompletionResultType]::ParameterName, 'Failure domain of a node (e.g. the Kubernetes node a pod runs on): replicas are kept out of their master''s domain. NAME is a NODE as given, its host, or its IP. Repeatable. Unlabelled nodes are grouped by IP address')
            [CompletionResult]::new('--wait-timeout', '--wait-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the nodes to join and the cluster to become usable')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name for AUTH (default: the default user)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass-file', '--pass-file', [CompletionResultType]::ParameterName, 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Verify the nodes'' certificates with this CA bundle (PEM) instead of the built-in public roots')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The client certificate''s private key (PEM)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and verify when a node''s host name is not known (by default the name it was given by, else its IP address)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each command''s reply')
            [CompletionResult]::new('--resolve-timeout', '--resolve-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given')
            [CompletionResult]::new('--resolv-conf', '--resolv-conf', [CompletionResultType]::ParameterName, 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf')
            [CompletionResult]::new('--allow-few-masters', '--allow-few-masters', [CompletionResultType]::ParameterName, 'Allow a cluster of fewer than 3 masters (no automatic failover)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and change nothing')
            [CompletionResult]::new('--wait-sync', '--wait-sync', [CompletionResultType]::ParameterName, 'Also wait until every replica has finished its first sync with its master')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (also REDISCLI_CLUSTER_YES=1)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (also REDISCLI_CLUSTER_YES=1)')
            [CompletionResult]::new('--cluster-yes', '--cluster-yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (also REDISCLI_CLUSTER_YES=1)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect to the nodes with TLS (implied by the other TLS options)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates (testing only: anyone can pretend to be a node)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Resolve host names to IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Resolve host names to IPv6 addresses only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'rtrib;replicate' {
            [CompletionResult]::new('--master-addr', '--master-addr', [CompletionResultType]::ParameterName, 'The master to replicate')
            [CompletionResult]::new('--slave-addr', '--slave-addr', [CompletionResultType]::ParameterName, 'The empty node that becomes its replica')
            [CompletionResult]::new('--replica-addr', '--replica-addr', [CompletionResultType]::ParameterName, 'The empty node that becomes its replica')
            [CompletionResult]::new('--wait-timeout', '--wait-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the join and for every node to see the new replica')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name for AUTH (default: the default user)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass-file', '--pass-file', [CompletionResultType]::ParameterName, 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Verify the nodes'' certificates with this CA bundle (PEM) instead of the built-in public roots')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The client certificate''s private key (PEM)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and verify when a node''s host name is not known (by default the name it was given by, else its IP address)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each command''s reply')
            [CompletionResult]::new('--resolve-timeout', '--resolve-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given')
            [CompletionResult]::new('--resolv-conf', '--resolv-conf', [CompletionResultType]::ParameterName, 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect to the nodes with TLS (implied by the other TLS options)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates (testing only: anyone can pretend to be a node)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Resolve host names to IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Resolve host names to IPv6 addresses only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'rtrib;add-node' {
            [CompletionResult]::new('--master-id', '--master-id', [CompletionResultType]::ParameterName, 'The master to replicate: its ID, an ID prefix (6+ characters) or its address')
            [CompletionResult]::new('--cluster-master-id', '--cluster-master-id', [CompletionResultType]::ParameterName, 'The master to replicate: its ID, an ID prefix (6+ characters) or its address')
            [CompletionResult]::new('--wait-timeout', '--wait-timeout', [CompletionResultType]::ParameterName, 'How long to wait until every node knows the new node')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name for AUTH (default: the default user)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass-file', '--pass-file', [CompletionResultType]::ParameterName, 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Verify the nodes'' certificates with this CA bundle (PEM) instead of the built-in public roots')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The client certificate''s private key (PEM)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and verify when a node''s host name is not known (by default the name it was given by, else its IP address)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each command''s reply')
            [CompletionResult]::new('--resolve-timeout', '--resolve-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given')
            [CompletionResult]::new('--resolv-conf', '--resolv-conf', [CompletionResultType]::ParameterName, 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf')
            [CompletionResult]::new('--replica', '--replica', [CompletionResultType]::ParameterName, 'Add it as a replica (of --master-id, else of the master with the fewest replicas, preferring one on another host)')
            [CompletionResult]::new('--slave', '--slave', [CompletionResultType]::ParameterName, 'Add it as a replica (of --master-id, else of the master with the fewest replicas, preferring one on another host)')
            [CompletionResult]::new('--cluster-slave', '--cluster-slave', [CompletionResultType]::ParameterName, 'Add it as a replica (of --master-id, else of the master with the fewest replicas, preferring one on another host)')
            [CompletionResult]::new('--cluster-replica', '--cluster-replica', [CompletionResultType]::ParameterName, 'Add it as a replica (of --master-id, else of the master with the fewest replicas, preferring one on another host)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect to the nodes with TLS (implied by the other TLS options)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates (testing only: anyone can pretend to be a node)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Resolve host names to IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Resolve host names to IPv6 addresses only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'rtrib;del-node' {
            [CompletionResult]::new('--wait-timeout', '--wait-timeout', [CompletionResultType]::ParameterName, 'How long to keep forgetting it until gossip can no longer bring it back')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name for AUTH (default: the default user)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass-file', '--pass-file', [CompletionResultType]::ParameterName, 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Verify the nodes'' certificates with this CA bundle (PEM) instead of the built-in public roots')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The client certificate''s private key (PEM)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and verify when a node''s host name is not known (by default the name it was given by, else its IP address)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each command''s reply')
            [CompletionResult]::new('--resolve-timeout', '--resolve-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given')
            [CompletionResult]::new('--resolv-conf', '--resolv-conf', [CompletionResultType]::ParameterName, 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove it even though it is dead, unreachable or has no address (it is only forgotten)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect to the nodes with TLS (implied by the other TLS options)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates (testing only: anyone can pretend to be a node)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Resolve host names to IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Resolve host names to IPv6 addresses only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'rtrib;forget' {
            [CompletionResult]::new('--wait-timeout', '--wait-timeout', [CompletionResultType]::ParameterName, 'How long to keep forgetting it until gossip can no longer bring it back')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name for AUTH (default: the default user)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass-file', '--pass-file', [CompletionResultType]::ParameterName, 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Verify the nodes'' certificates with this CA bundle (PEM) instead of the built-in public roots')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The client certificate''s private key (PEM)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and verify when a node''s host name is not known (by default the name it was given by, else its IP address)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each command''s reply')
            [CompletionResult]::new('--resolve-timeout', '--resolve-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given')
            [CompletionResult]::new('--resolv-conf', '--resolv-conf', [CompletionResultType]::ParameterName, 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect to the nodes with TLS (implied by the other TLS options)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates (testing only: anyone can pretend to be a node)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Resolve host names to IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Resolve host names to IPv6 addresses only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'rtrib;heal' {
            [CompletionResult]::new('--from-dns', '--from-dns', [CompletionResultType]::ParameterName, 'The nodes are the addresses of this name, on this port: a Kubernetes headless Service (redis-service.dev.svc.cluster.local:6379) or Swarm''s tasks.<service>:6379')
            [CompletionResult]::new('--from-srv', '--from-srv', [CompletionResultType]::ParameterName, 'The nodes are the targets of this name''s SRV records (_redis._tcp.redis-service.dev.svc.cluster.local), with their ports')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Wait (up to --resolve-timeout) until exactly N nodes are found; more is an error')
            [CompletionResult]::new('--wait-timeout', '--wait-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the nodes to see each other again')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name for AUTH (default: the default user)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass-file', '--pass-file', [CompletionResultType]::ParameterName, 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Verify the nodes'' certificates with this CA bundle (PEM) instead of the built-in public roots')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The client certificate''s private key (PEM)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and verify when a node''s host name is not known (by default the name it was given by, else its IP address)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each command''s reply')
            [CompletionResult]::new('--resolve-timeout', '--resolve-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given')
            [CompletionResult]::new('--resolv-conf', '--resolv-conf', [CompletionResultType]::ParameterName, 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf')
            [CompletionResult]::new('--forget-ghosts', '--forget-ghosts', [CompletionResultType]::ParameterName, 'Also forget failed entries that match none of the nodes given (ghosts of old addresses or removed pods)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect to the nodes with TLS (implied by the other TLS options)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates (testing only: anyone can pretend to be a node)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Resolve host names to IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Resolve host names to IPv6 addresses only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'rtrib;wait' {
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'What to wait for')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (exit 4)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name for AUTH (default: the default user)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass-file', '--pass-file', [CompletionResultType]::ParameterName, 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Verify the nodes'' certificates with this CA bundle (PEM) instead of the built-in public roots')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The client certificate''s private key (PEM)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and verify when a node''s host name is not known (by default the name it was given by, else its IP address)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each command''s reply')
            [CompletionResult]::new('--resolve-timeout', '--resolve-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given')
            [CompletionResult]::new('--resolv-conf', '--resolv-conf', [CompletionResultType]::ParameterName, 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect to the nodes with TLS (implied by the other TLS options)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates (testing only: anyone can pretend to be a node)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Resolve host names to IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Resolve host names to IPv6 addresses only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'rtrib;check' {
            [CompletionResult]::new('--from-dns', '--from-dns', [CompletionResultType]::ParameterName, 'The nodes are the addresses of this name, on this port: a Kubernetes headless Service (redis-service.dev.svc.cluster.local:6379) or Swarm''s tasks.<service>:6379')
            [CompletionResult]::new('--from-srv', '--from-srv', [CompletionResultType]::ParameterName, 'The nodes are the targets of this name''s SRV records (_redis._tcp.redis-service.dev.svc.cluster.local), with their ports')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Wait (up to --resolve-timeout) until exactly N nodes are found; more is an error')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name for AUTH (default: the default user)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass-file', '--pass-file', [CompletionResultType]::ParameterName, 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Verify the nodes'' certificates with this CA bundle (PEM) instead of the built-in public roots')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The client certificate''s private key (PEM)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and verify when a node''s host name is not known (by default the name it was given by, else its IP address)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each command''s reply')
            [CompletionResult]::new('--resolve-timeout', '--resolve-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given')
            [CompletionResult]::new('--resolv-conf', '--resolv-conf', [CompletionResultType]::ParameterName, 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf')
            [CompletionResult]::new('--search-multiple-owners', '--search-multiple-owners', [CompletionResultType]::ParameterName, 'Also look for slots that hold keys on more than one master (one pipelined scan of the 16384 slots per master)')
            [CompletionResult]::new('--cluster-search-multiple-owners', '--cluster-search-multiple-owners', [CompletionResultType]::ParameterName, 'Also look for slots that hold keys on more than one master (one pipelined scan of the 16384 slots per master)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect to the nodes with TLS (implied by the other TLS options)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates (testing only: anyone can pretend to be a node)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Resolve host names to IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Resolve host names to IPv6 addresses only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'rtrib;info' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name for AUTH (default: the default user)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass-file', '--pass-file', [CompletionResultType]::ParameterName, 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Verify the nodes'' certificates with this CA bundle (PEM) instead of the built-in public roots')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The client certificate''s private key (PEM)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and verify when a node''s host name is not known (by default the name it was given by, else its IP address)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each command''s reply')
            [CompletionResult]::new('--resolve-timeout', '--resolve-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given')
            [CompletionResult]::new('--resolv-conf', '--resolv-conf', [CompletionResultType]::ParameterName, 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect to the nodes with TLS (implied by the other TLS options)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates (testing only: anyone can pretend to be a node)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Resolve host names to IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Resolve host names to IPv6 addresses only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'rtrib;call' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name for AUTH (default: the default user)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass-file', '--pass-file', [CompletionResultType]::ParameterName, 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Verify the nodes'' certificates with this CA bundle (PEM) instead of the built-in public roots')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The client certificate''s private key (PEM)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and verify when a node''s host name is not known (by default the name it was given by, else its IP address)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each command''s reply')
            [CompletionResult]::new('--resolve-timeout', '--resolve-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given')
            [CompletionResult]::new('--resolv-conf', '--resolv-conf', [CompletionResultType]::ParameterName, 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf')
            [CompletionResult]::new('--only-masters', '--only-masters', [CompletionResultType]::ParameterName, 'Only masters')
            [CompletionResult]::new('--cluster-only-masters', '--cluster-only-masters', [CompletionResultType]::ParameterName, 'Only masters')
            [CompletionResult]::new('--only-replicas', '--only-replicas', [CompletionResultType]::ParameterName, 'Only replicas')
            [CompletionResult]::new('--cluster-only-replicas', '--cluster-only-replicas', [CompletionResultType]::ParameterName, 'Only replicas')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect to the nodes with TLS (implied by the other TLS options)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates (testing only: anyone can pretend to be a node)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Resolve host names to IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Resolve host names to IPv6 addresses only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'rtrib;import' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The standalone Redis to read the keys from, by name or address')
            [CompletionResult]::new('--cluster-from', '--cluster-from', [CompletionResultType]::ParameterName, 'The standalone Redis to read the keys from, by name or address')
            [CompletionResult]::new('--from-user', '--from-user', [CompletionResultType]::ParameterName, 'ACL user name for the source (the cluster''s --user is not used for it)')
            [CompletionResult]::new('--cluster-from-user', '--cluster-from-user', [CompletionResultType]::ParameterName, 'ACL user name for the source (the cluster''s --user is not used for it)')
            [CompletionResult]::new('--from-pass', '--from-pass', [CompletionResultType]::ParameterName, 'Password for the source. Prefer --from-pass-file or RTRIB_FROM_PASS: arguments are visible to other users of the machine')
            [CompletionResult]::new('--cluster-from-pass', '--cluster-from-pass', [CompletionResultType]::ParameterName, 'Password for the source. Prefer --from-pass-file or RTRIB_FROM_PASS: arguments are visible to other users of the machine')
            [CompletionResult]::new('--from-pass-file', '--from-pass-file', [CompletionResultType]::ParameterName, 'Read the source''s password from this file; trailing CR/LF are removed')
            [CompletionResult]::new('--from-db', '--from-db', [CompletionResultType]::ParameterName, 'The source''s database to import')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'MIGRATE''s I/O timeout, in milliseconds')
            [CompletionResult]::new('--cluster-timeout', '--cluster-timeout', [CompletionResultType]::ParameterName, 'MIGRATE''s I/O timeout, in milliseconds')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name for AUTH (default: the default user)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass-file', '--pass-file', [CompletionResultType]::ParameterName, 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Verify the nodes'' certificates with this CA bundle (PEM) instead of the built-in public roots')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The client certificate''s private key (PEM)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and verify when a node''s host name is not known (by default the name it was given by, else its IP address)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each command''s reply')
            [CompletionResult]::new('--resolve-timeout', '--resolve-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given')
            [CompletionResult]::new('--resolv-conf', '--resolv-conf', [CompletionResultType]::ParameterName, 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf')
            [CompletionResult]::new('--copy', '--copy', [CompletionResultType]::ParameterName, 'Copy the keys: the source keeps them (by default MIGRATE deletes them from the source)')
            [CompletionResult]::new('--cluster-copy', '--cluster-copy', [CompletionResultType]::ParameterName, 'Copy the keys: the source keeps them (by default MIGRATE deletes them from the source)')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Overwrite keys that already exist in the cluster (by default they are left alone and reported)')
            [CompletionResult]::new('--cluster-replace', '--cluster-replace', [CompletionResultType]::ParameterName, 'Overwrite keys that already exist in the cluster (by default they are left alone and reported)')
            [CompletionResult]::new('--from-tls', '--from-tls', [CompletionResultType]::ParameterName, 'Connect to the source with the cluster''s TLS settings (by default the source is plaintext, whatever the cluster speaks)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect to the nodes with TLS (implied by the other TLS options)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates (testing only: anyone can pretend to be a node)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Resolve host names to IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Resolve host names to IPv6 addresses only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'rtrib;set-timeout' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name for AUTH (default: the default user)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass-file', '--pass-file', [CompletionResultType]::ParameterName, 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Verify the nodes'' certificates with this CA bundle (PEM) instead of the built-in public roots')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The client certificate''s private key (PEM)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and verify when a node''s host name is not known (by default the name it was given by, else its IP address)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each command''s reply')
            [CompletionResult]::new('--resolve-timeout', '--resolve-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given')
            [CompletionResult]::new('--resolv-conf', '--resolv-conf', [CompletionResultType]::ParameterName, 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect to the nodes with TLS (implied by the other TLS options)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates (testing only: anyone can pretend to be a node)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Resolve host names to IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Resolve host names to IPv6 addresses only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'rtrib;sandbox' {
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'How many nodes')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Replicas per master')
            [CompletionResult]::new('--base-port', '--base-port', [CompletionResultType]::ParameterName, 'Port of the first node; the others follow (their bus ports are port + 10000)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Where the nodes keep their files (default: a directory in the system''s temp dir named after the base port)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name for AUTH (default: the default user)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass-file', '--pass-file', [CompletionResultType]::ParameterName, 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Verify the nodes'' certificates with this CA bundle (PEM) instead of the built-in public roots')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The client certificate''s private key (PEM)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and verify when a node''s host name is not known (by default the name it was given by, else its IP address)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each command''s reply')
            [CompletionResult]::new('--resolve-timeout', '--resolve-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given')
            [CompletionResult]::new('--resolv-conf', '--resolv-conf', [CompletionResultType]::ParameterName, 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect to the nodes with TLS (implied by the other TLS options)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates (testing only: anyone can pretend to be a node)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Resolve host names to IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Resolve host names to IPv6 addresses only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'rtrib;completions' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name for AUTH (default: the default user)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine')
            [CompletionResult]::new('--pass-file', '--pass-file', [CompletionResultType]::ParameterName, 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Verify the nodes'' certificates with this CA bundle (PEM) instead of the built-in public roots')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for nodes that require one (tls-auth-clients yes)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The client certificate''s private key (PEM)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send (SNI) and verify when a node''s host name is not known (by default the name it was given by, else its IP address)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each command''s reply')
            [CompletionResult]::new('--resolve-timeout', '--resolve-timeout', [CompletionResultType]::ParameterName, 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given')
            [CompletionResult]::new('--resolv-conf', '--resolv-conf', [CompletionResultType]::ParameterName, 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect to the nodes with TLS (implied by the other TLS options)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates (testing only: anyone can pretend to be a node)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Resolve host names to IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Resolve host names to IPv6 addresses only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'rtrib;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a cluster from empty nodes, given by name or address; safe to re-run')
            [CompletionResult]::new('replicate', 'replicate', [CompletionResultType]::ParameterValue, 'Attach an empty node as a replica of a master (redis-trib.py''s spelling)')
            [CompletionResult]::new('add-node', 'add-node', [CompletionResultType]::ParameterValue, 'Add an empty node to a cluster, as a master or as a replica')
            [CompletionResult]::new('del-node', 'del-node', [CompletionResultType]::ParameterValue, 'Remove a node from the cluster (with --force: a dead or unreachable one too)')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Make every live node forget a node (dead, unreachable or noaddr); same as del-node --force')
            [CompletionResult]::new('heal', 'heal', [CompletionResultType]::ParameterValue, 'Re-join nodes after restarts gave them new IP addresses; a no-op on a healthy cluster')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Block until the nodes answer and are cluster-enabled (or the cluster state is ok)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the cluster''s health: slot agreement, open slots, coverage, failing nodes')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show each master''s keys, slots and replicas')
            [CompletionResult]::new('call', 'call', [CompletionResultType]::ParameterValue, 'Run a command on every node concurrently and print each node''s reply')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Move (or copy) the keys of a standalone Redis into the cluster''s masters')
            [CompletionResult]::new('set-timeout', 'set-timeout', [CompletionResultType]::ParameterValue, 'Set cluster-node-timeout on every node (CONFIG SET and CONFIG REWRITE)')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Start a local cluster of redis-server processes to try rtrib on (`sandbox stop` ends it)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rtrib;help;create' {
            break
        }
        'rtrib;help;replicate' {
            break
        }
        'rtrib;help;add-node' {
            break
        }
        'rtrib;help;del-node' {
            break
        }
        'rtrib;help;forget' {
            break
        }
        'rtrib;help;heal' {
            break
        }
        'rtrib;help;wait' {
            break
        }
        'rtrib;help;check' {
            break
        }
        'rtrib;help;info' {
            break
        }
        'rtrib;help;call' {
            break
        }
        'rtrib;help;import' {
            break
        }
        'rtrib;help;set-timeout' {
            break
        }
        'rtrib;help;sandbox' {
            break
        }
        'rtrib;help;completions' {
            break
        }
        'rtrib;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

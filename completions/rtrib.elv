
use builtin;
use str;

set edit:completion:arg-completer[rtrib] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'rtrib'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'rtrib'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --user 'ACL user name for AUTH (default: the default user)'
            cand -a 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine'
            cand --pass 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine'
            cand --pass-file 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed'
            cand --connect-timeout 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)'
            cand --command-timeout 'How long to wait for each command''s reply'
            cand --resolve-timeout 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)'
            cand --dns-server 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given'
            cand --resolv-conf 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf'
            cand -4 'Resolve host names to IPv4 addresses only'
            cand -6 'Resolve host names to IPv6 addresses only'
            cand -v 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
            cand --verbose 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Check the cluster''s health: slot agreement, open slots, coverage, failing nodes'
            cand create 'Create a cluster from empty nodes, given by name or address; safe to re-run'
            cand replicate 'Attach an empty node as a replica of a master (redis-trib.py''s spelling)'
            cand sandbox 'Start a local cluster of redis-server processes to try rtrib on (`sandbox stop` ends it)'
            cand completions 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand info 'Show each master''s keys, slots and replicas'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'rtrib;check'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --user 'ACL user name for AUTH (default: the default user)'
            cand -a 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine'
            cand --pass 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine'
            cand --pass-file 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed'
            cand --connect-timeout 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)'
            cand --command-timeout 'How long to wait for each command''s reply'
            cand --resolve-timeout 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)'
            cand --dns-server 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given'
            cand --resolv-conf 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf'
            cand --search-multiple-owners 'Also look for slots that hold keys on more than one master (one pipelined scan of the 16384 slots per master)'
            cand --cluster-search-multiple-owners 'Also look for slots that hold keys on more than one master (one pipelined scan of the 16384 slots per master)'
            cand -4 'Resolve host names to IPv4 addresses only'
            cand -6 'Resolve host names to IPv6 addresses only'
            cand -v 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
            cand --verbose 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'rtrib;create'= {
            cand --replicas 'Replicas per master; masters = nodes / (replicas + 1)'
            cand --cluster-replicas 'Replicas per master; masters = nodes / (replicas + 1)'
            cand --host-of 'Failure domain of a node (e.g. the Kubernetes node a pod runs on): replicas are kept out of their master''s domain. NAME is a NODE as given, its host, or its IP. Repeatable. Unlabelled nodes are grouped by IP address'
            cand --wait-timeout 'How long to wait for the nodes to join and the cluster to become usable'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --user 'ACL user name for AUTH (default: the default user)'
            cand -a 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine'
            cand --pass 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine'
            cand --pass-file 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed'
            cand --connect-timeout 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)'
            cand --command-timeout 'How long to wait for each command''s reply'
            cand --resolve-timeout 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)'
            cand --dns-server 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given'
            cand --resolv-conf 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf'
            cand --allow-few-masters 'Allow a cluster of fewer than 3 masters (no automatic failover)'
            cand --dry-run 'Print the plan and change nothing'
            cand --wait-sync 'Also wait until every replica has finished its first sync with its master'
            cand -y 'Do not ask for confirmation (also REDISCLI_CLUSTER_YES=1)'
            cand --yes 'Do not ask for confirmation (also REDISCLI_CLUSTER_YES=1)'
            cand --cluster-yes 'Do not ask for confirmation (also REDISCLI_CLUSTER_YES=1)'
            cand -4 'Resolve host names to IPv4 addresses only'
            cand -6 'Resolve host names to IPv6 addresses only'
            cand -v 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
            cand --verbose 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'rtrib;replicate'= {
            cand --master-addr 'The master to replicate'
            cand --slave-addr 'The empty node that becomes its replica'
            cand --replica-addr 'The empty node that becomes its replica'
            cand --wait-timeout 'How long to wait for the join and for every node to see the new replica'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --user 'ACL user name for AUTH (default: the default user)'
            cand -a 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine'
            cand --pass 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine'
            cand --pass-file 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed'
            cand --connect-timeout 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)'
            cand --command-timeout 'How long to wait for each command''s reply'
            cand --resolve-timeout 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)'
            cand --dns-server 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given'
            cand --resolv-conf 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf'
            cand -4 'Resolve host names to IPv4 addresses only'
            cand -6 'Resolve host names to IPv6 addresses only'
            cand -v 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
            cand --verbose 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'rtrib;sandbox'= {
            cand --nodes 'How many nodes'
            cand --replicas 'Replicas per master'
            cand --base-port 'Port of the first node; the others follow (their bus ports are port + 10000)'
            cand --dir 'Where the nodes keep their files (default: a directory in the system''s temp dir named after the base port)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --user 'ACL user name for AUTH (default: the default user)'
            cand -a 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine'
            cand --pass 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine'
            cand --pass-file 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed'
            cand --connect-timeout 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)'
            cand --command-timeout 'How long to wait for each command''s reply'
            cand --resolve-timeout 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)'
            cand --dns-server 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given'
            cand --resolv-conf 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf'
            cand -4 'Resolve host names to IPv4 addresses only'
            cand -6 'Resolve host names to IPv6 addresses only'
            cand -v 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
            cand --verbose 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'rtrib;completions'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --user 'ACL user name for AUTH (default: the default user)'
            cand -a 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine'
            cand --pass 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine'
            cand --pass-file 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed'
            cand --connect-timeout 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)'
            cand --command-timeout 'How long to wait for each command''s reply'
            cand --resolve-timeout 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)'
            cand --dns-server 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given'
            cand --resolv-conf 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf'
            cand -4 'Resolve host names to IPv4 addresses only'
            cand -6 'Resolve host names to IPv6 addresses only'
            cand -v 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
            cand --verbose 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'rtrib;info'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --user 'ACL user name for AUTH (default: the default user)'
            cand -a 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine'
            cand --pass 'Password for AUTH. Prefer --pass-file or the RTRIB_PASS / REDISCLI_AUTH environment variables (in that order of precedence after this option): arguments are visible to other users of the machine'
            cand --pass-file 'Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are removed'
            cand --connect-timeout 'How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s)'
            cand --command-timeout 'How long to wait for each command''s reply'
            cand --resolve-timeout 'How long to keep retrying a host name that does not resolve yet (pods appear in DNS late)'
            cand --dns-server 'Ask this DNS server instead of the resolv.conf name servers (search domains and ndots still come from resolv.conf). Repeatable; port 53 unless given'
            cand --resolv-conf 'Read name servers, search domains and ndots from this file instead of /etc/resolv.conf'
            cand -4 'Resolve host names to IPv4 addresses only'
            cand -6 'Resolve host names to IPv6 addresses only'
            cand -v 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
            cand --verbose 'Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'rtrib;help'= {
            cand check 'Check the cluster''s health: slot agreement, open slots, coverage, failing nodes'
            cand create 'Create a cluster from empty nodes, given by name or address; safe to re-run'
            cand replicate 'Attach an empty node as a replica of a master (redis-trib.py''s spelling)'
            cand sandbox 'Start a local cluster of redis-server processes to try rtrib on (`sandbox stop` ends it)'
            cand completions 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand info 'Show each master''s keys, slots and replicas'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'rtrib;help;check'= {
        }
        &'rtrib;help;create'= {
        }
        &'rtrib;help;replicate'= {
        }
        &'rtrib;help;sandbox'= {
        }
        &'rtrib;help;completions'= {
        }
        &'rtrib;help;info'= {
        }
        &'rtrib;help;help'= {
        }
    ]
    $completions[$command]
}

#!/usr/bin/env bash
# Checks the source tree's layering (see ARCHITECTURE.md) from the `use` declarations and the
# `crate::` paths of every file under src/ (test modules left out): fails, naming the files and
# the names imported, on
#   - an import cycle between files (a file's `mod` and `pub use` of its own children, which
#     only declare and re-export them, do not count);
#   - an import upward: cluster/ importing rdb/ (which sits on it); cluster/ or rdb/ importing
#     net/, output/, steps/, commands/ or the crate-level plumbing (error.rs, context.rs,
#     cli.rs); net/ importing output/, steps/, commands/, error.rs or context.rs; output/
#     importing steps/, commands/, error.rs or context.rs; steps/ importing commands/;
#   - a command file importing another command file (shared steps live in src/steps/).
# Usage: scripts/check-layers.sh [SRC_DIR]   (default: the repository's src/)
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-src}"

find "$src" -name '*.rs' | sort | perl -e '
use strict;
use warnings;
my $src = shift;
my @files = map { chomp; $_ } <STDIN>;

# Module path of every file: src/net/migrate/mod.rs -> net::migrate, src/lib.rs -> "".
my (%module_of, %file_of);
for my $file (@files) {
    (my $rel = $file) =~ s{^\Q$src\E/}{};
    my $module = $rel;
    $module =~ s{\.rs$}{};
    $module =~ s{(^|/)(mod|lib|main)$}{};
    $module =~ s{/}{::}g;
    $module_of{$file} = $module;
    $file_of{$module} //= $file;
}

# The file a path (crate-relative, "a::b::C") lands in: its longest module prefix.
sub file_for {
    my ($path) = @_;
    my @parts = split /::/, $path;
    while (@parts) {
        my $module = join "::", @parts;
        return $file_of{$module} if exists $file_of{$module};
        pop @parts;
    }
    return undef;
}

# Expands "a::{b, c::{d, e}}" into "a::b", "a::c::d", "a::c::e".
sub expand {
    my ($tree) = @_;
    $tree =~ s/\s+//g;
    return ($tree) unless $tree =~ /\{/;
    my $open = index $tree, "{";
    my $prefix = substr $tree, 0, $open;
    my $inner = substr $tree, $open + 1, length($tree) - $open - 2;
    my (@items, $depth, $item);
    ($depth, $item) = (0, "");
    for my $char (split //, $inner) {
        $depth++ if $char eq "{";
        $depth-- if $char eq "}";
        if ($char eq "," && $depth == 0) { push @items, $item; $item = ""; next }
        $item .= $char;
    }
    push @items, $item if length $item;
    return map { my $i = $_; $i eq "self" ? ($prefix =~ s/::$//r) : expand($prefix . $i) } @items;
}

my %edges;    # "from\tto" -> { names }
for my $file (@files) {
    open my $fh, "<", $file or die "$file: $!";
    my $text = do { local $/; <$fh> };
    close $fh;
    # Test modules are not part of the layering.
    $text =~ s/^#\[cfg\(test\)\]\s*\n\s*(pub(\([a-z]+\))?\s+)?mod\s+\w+\s*\{.*//ms;
    # Comments and doc comments name paths without importing them.
    $text =~ s{//[^\n]*}{}g;
    my $module = $module_of{$file};
    my $is_folder_root = $file =~ m{(^|/)(mod|lib|main)\.rs$};
    my @self = length $module ? split(/::/, $module) : ();
    my @paths;
    while ($text =~ /\buse\s+([^;]+);/g) {
        my $tree = $1;
        push @paths, map { [$_, 0] } expand($tree);
    }
    # Paths written in full in the code: crate::a::b, super::a::b, self::a.
    while ($text =~ /(?<![\w:])((?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*+)++)(?!::)/g) {
        push @paths, [$1, 0];
    }
    for my $entry (@paths) {
        my $path = $entry->[0];
        $path =~ s/\s+as\s+\w+$//;
        my @parts = split /::/, $path;
        my @base;
        if ($parts[0] eq "crate") { shift @parts; @base = () }
        elsif ($parts[0] eq "super") {
            @base = @self;
            while (@parts && $parts[0] eq "super") { shift @parts; pop @base }
        }
        elsif ($parts[0] eq "self") { shift @parts; @base = @self }
        elsif ($is_folder_root && exists $file_of{join "::", @self, $parts[0]}) { @base = @self }
        else { next }
        my $target_path = join "::", @base, @parts;
        my $target = file_for($target_path);
        next unless defined $target && $target ne $file;
        # A folder root declaring and re-exporting its own children is not a dependency.
        my $target_module = $module_of{$target};
        next if $is_folder_root && (length $module == 0 || index($target_module, "${module}::") == 0);
        my $name = $parts[-1] // "";
        $edges{"$file\t$target"}{$name} = 1;
    }
}

my %out;
for my $edge (keys %edges) {
    my ($from, $to) = split /\t/, $edge;
    push @{ $out{$from} }, $to;
}

my @problems;

# Layers: which top folder (or crate-level file) may not import which.
sub room {
    my ($file) = @_;
    (my $rel = $file) =~ s{^\Q$src\E/}{};
    return $rel =~ m{^([a-z_]+)/} ? $1 : $rel =~ s/\.rs$//r;
}
my @plumbing = qw(error context cli lib main);
my %forbidden = (
    cluster => [qw(rdb net output steps commands), @plumbing],
    rdb     => [qw(net output steps commands), @plumbing],
    net     => [qw(output steps commands error context lib main)],
    output  => [qw(steps commands error context lib main)],
    steps   => [qw(commands lib main)],
);
for my $edge (sort keys %edges) {
    my ($from, $to) = split /\t/, $edge;
    my ($a, $b) = (room($from), room($to));
    my $names = join ", ", sort keys %{ $edges{$edge} };
    if (grep { $_ eq $b } @{ $forbidden{$a} // [] }) {
        push @problems, "upward import: $from -> $to ($names): $a/ may not import $b";
    }
    if ($a eq "commands" && $b eq "commands" && $from !~ m{/mod\.rs$}) {
        push @problems, "command imports a command: $from -> $to ($names): shared steps belong in src/steps/";
    }
}

# Cycles: strongly connected components (Tarjan).
my ($index, @stack, %on_stack, %idx, %low, @components) = (0);
sub connect_from {
    my ($v) = @_;
    $idx{$v} = $low{$v} = $index++;
    push @stack, $v;
    $on_stack{$v} = 1;
    for my $w (@{ $out{$v} // [] }) {
        if (!exists $idx{$w}) { connect_from($w); $low{$v} = $low{$w} if $low{$w} < $low{$v} }
        elsif ($on_stack{$w}) { $low{$v} = $idx{$w} if $idx{$w} < $low{$v} }
    }
    if ($low{$v} == $idx{$v}) {
        my @component;
        while (1) { my $w = pop @stack; $on_stack{$w} = 0; push @component, $w; last if $w eq $v }
        push @components, [sort @component] if @component > 1;
    }
}
for my $file (sort @files) { connect_from($file) unless exists $idx{$file} }
for my $component (@components) {
    my %in = map { $_ => 1 } @$component;
    my @ties;
    for my $from (@$component) {
        for my $to (sort @{ $out{$from} // [] }) {
            next unless $in{$to};
            push @ties, "    $from -> $to: " . join(", ", sort keys %{ $edges{"$from\t$to"} });
        }
    }
    push @problems, "import cycle between " . scalar(@$component) . " files:\n" . join("\n", @ties);
}

if (@problems) {
    print STDERR "check-layers: $_\n" for @problems;
    printf STDERR "check-layers: %d problem(s); see ARCHITECTURE.md for the layers\n", scalar @problems;
    exit 1;
}
printf "check-layers: %d files, %d imports between files: no cycle, no upward import\n",
    scalar @files, scalar keys %edges;
' "$src"

use strict;
use warnings;

# Whether every bracket in $s is closed by one of its kind, in order.
sub is_balanced {
    my ($s) = @_;
    # TODO
    return 0;
}

my @lines = split ' ', do { local $/; <STDIN> };
my $t = shift @lines;
print is_balanced($_) ? "YES\n" : "NO\n" for @lines[0 .. $t - 1];

use strict;
use warnings;

# The indices (i < j) of the two numbers adding up to $target.
sub two_sum {
    my ($nums, $target) = @_;
    # TODO
    return (-1, -1);
}

my @data = split ' ', do { local $/; <STDIN> };
my ($n, $target) = @data[0, 1];
my @nums = @data[2 .. $n + 1];
my ($i, $j) = two_sum(\@nums, $target);
print "$i $j\n";

use strict;
use warnings;
use utf8;
binmode STDOUT, ':encoding(UTF-8)';
my $s = 0;
while (my $line = <STDIN>) {
    chomp $line;
    $s += $line if $line =~ /\S/;
}
print "Σ=$s 🚀\n";
print STDERR "done\n";

use utf8; use open qw(:std :encoding(UTF-8)); my $s = <STDIN>; chomp $s; print "[$s] ", length($s), "\n";

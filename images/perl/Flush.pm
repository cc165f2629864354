# Preloaded by the catalogue's run command (perl -MOnsite::Flush main.pl): STDOUT flushes after
# every print, as on a terminal, so what a program printed survives a time limit or a kill.
# Touches nothing else: $0, die messages and the program's own `select` are unchanged.
package Onsite::Flush;
my $previous = select(STDOUT);
$| = 1;
select($previous);
1;

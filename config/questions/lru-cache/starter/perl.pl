use strict;
use warnings;

package LRUCache;

sub new {
    my ($class, $capacity) = @_;
    # TODO: your fields
    return bless { capacity => $capacity }, $class;
}

# The value for $key (counts as a use), or -1.
sub get {
    my ($self, $key) = @_;
    # TODO
    return -1;
}

# Store $value for $key; evict the least recently used key past capacity.
sub put {
    my ($self, $key, $value) = @_;
    # TODO
}

package main;

my ($capacity, $q) = split ' ', scalar <STDIN>;
my $cache = LRUCache->new($capacity);
for (1 .. $q) {
    my ($op, $key, $value) = split ' ', scalar <STDIN>;
    if ($op eq 'get') { print $cache->get($key), "\n" }
    else { $cache->put($key, $value) }
}

class LRUCache
  def initialize(capacity)
    @capacity = capacity
    # TODO
  end

  # The value for key (counts as a use), or -1.
  def get(key)
    # TODO
    -1
  end

  # Store value for key; evict the least recently used key past capacity.
  def put(key, value)
    # TODO
  end
end

capacity, q = STDIN.gets.split.map(&:to_i)
cache = LRUCache.new(capacity)
q.times do
  op, key, value = STDIN.gets.split
  if op == "get"
    puts cache.get(key.to_i)
  else
    cache.put(key.to_i, value.to_i)
  end
end

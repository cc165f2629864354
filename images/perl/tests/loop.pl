print "started\n";
1 while 1;

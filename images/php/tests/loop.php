<?php
echo "started\n";
while (true) {}

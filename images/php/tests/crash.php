<?php
echo "started\n";
throw new Exception("boom");

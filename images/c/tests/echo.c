#include <stdio.h>
#include <string.h>
int main(void){char b[256]; if(fgets(b,sizeof b,stdin)){b[strcspn(b,"\n")]=0; printf("[%s]\n", b);} return 0;}

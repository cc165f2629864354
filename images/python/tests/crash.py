print('started')
print(1 // 0)

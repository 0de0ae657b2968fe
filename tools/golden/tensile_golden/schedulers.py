"""placeholder"""

def generate(folder):
    return 0

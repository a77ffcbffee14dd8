name = "python"
version = "3.9.18"

def commands():
    env.PATH.prepend("{root}/bin")

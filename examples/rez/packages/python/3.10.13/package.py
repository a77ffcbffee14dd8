name = "python"
version = "3.10.13"

def commands():
    env.PATH.prepend("{root}/bin")

name = "houdini"
version = "20.0.506"
requires = ["python-3.10"]

def commands():
    env.HFS = "/opt/hfs{version}"
    env.PATH.prepend("{env.HFS}/bin")
    alias("hython", "{env.HFS}/bin/hython")

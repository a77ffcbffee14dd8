name = "redshift"
version = "3.5.19"
variants = [["houdini-19.5"], ["houdini-20.0"]]

def commands():
    env.HOUDINI_PATH.append("{root}/houdini")
    # A studio may keep the core data elsewhere: only a default here.
    if not defined("REDSHIFT_COREDATAPATH"):
        env.REDSHIFT_COREDATAPATH = "{root}"

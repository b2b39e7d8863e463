from victimcare import create_app

app = create_app()
